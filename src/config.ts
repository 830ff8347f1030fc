// Application configuration entry point: one zod schema (src/config/schema.ts), loaded from an
// optional JSON/YAML file overlaid by environment variables (src/config/env.ts, names in the
// README configuration table). The caller exits non-zero with ERR_CONFIG_INVALID on errors.

export { configFailure, formatConfigErrors, type ConfigError } from './config/config-error.js';
export { envBindings, type EnvBinding, type EnvKind, type EnvName } from './config/env.js';
export { CONFIG_ENV, findConfigFile, loadConfig, loadProcessConfig, MAIN_CLI, readConfigFile, redactConfig, type LoadConfigInput } from './config/load.js';
export { AppConfigSchema, defaultConfig, type AppConfig } from './config/schema.js';
export { LOG_LEVELS, BROKER_NAMES, TOKEN_SCOPES } from './config/sections.js';
