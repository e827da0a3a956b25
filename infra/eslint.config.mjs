import base from '../eslint.config.mjs';

// cdktf.out holds what synth writes, staged bundles included.
export default [{ ignores: ['cdktf.out/**'] }, ...base];
