import base, { domainHasNoIo } from '../../eslint.config.mjs';

// The shop's entities and value types: domain through and through, so no I/O anywhere in src.
export default [...base, domainHasNoIo(['src/**/*.ts'])];
