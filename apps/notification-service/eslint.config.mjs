import { serviceConfig } from '../../eslint.config.mjs';

export default serviceConfig;
