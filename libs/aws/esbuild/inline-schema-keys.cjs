// @ts-check
const { readFile } = require('node:fs/promises');

/**
 * The AWS SDK's generated schema modules key an operation's traits by a constant:
 * `{ [_h]: ["POST", "/2015-03-31/functions/{FunctionName}/invocations", 200] }` with
 * `const _h = "http"`. esbuild keeps any object literal with a computed key, since a key could run
 * code, so every operation of a REST client stays in a bundle that sends one command, with every
 * structure it reaches (the Lambda client: 69 KiB in each function that invokes another). This
 * rewrites such a key as the string constant it names, `{ "http": [...] }`: the same object at run
 * time, and esbuild drops what nothing uses. A key that is not a string constant of the same file
 * is left as it is, so a change in the SDK's generator makes bundles larger, never wrong. When
 * esbuild (evanw/esbuild#4373) or the SDK (aws/aws-sdk-js-v3#7607) fixes this, the plugin can go
 * (docs/decisions.md, 132).
 */
function inlineSchemaKeys() {
  return {
    name: 'inline-aws-sdk-schema-keys',
    /** @param {import('esbuild').PluginBuild} build */
    setup(build) {
      build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-es[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => ({
        contents: inlineConstantKeys(await readFile(args.path, 'utf8')),
        loader: 'js',
      }));
    },
  };
}

/**
 * `{ [_x]: value }` → `{ "text": value }` for every `const _x = "text";` at the start of a line of `source`.
 * @param {string} source
 * @returns {string}
 */
function inlineConstantKeys(source) {
  /** @type {Map<string, string>} */
  const constants = new Map();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) constants.set(name, literal);
  return source.replace(/([{,]\s*)\[(_\w+)\]:/g, (whole, before, name) => {
    const literal = constants.get(name);
    return literal === undefined ? whole : `${before}${literal}:`;
  });
}

module.exports = { inlineSchemaKeys, inlineConstantKeys };
