/** API keys and roles: who a caller is and what it may do, for HTTP requests and feed connections alike. */
export { ApiKeys, bearer, generateKey, type ConfiguredKey } from './api-keys.js';
export { BINDABLE_ROLES, can, permissionsOf, ROLES, rolesWith, type Permission, type Principal, type Role } from './roles.js';
