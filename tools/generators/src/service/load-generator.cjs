// Nx loads a TypeScript generator through @swc-node/register or ts-node, neither of which the
// shop installs; tsx, which runs the shop's other TypeScript scripts, loads it instead.
const { require: requireTypeScript } = require('tsx/cjs/api');

module.exports = requireTypeScript('./generator.ts', __filename);
