import base from '../../eslint.config.mjs';

// A tool talks to a person on the terminal.
export default [...base, { rules: { 'no-console': 'off' } }];
