export * from './code-delivery';
export * from './cross-session-limits';
export * from './custom-auth';
export * from './custom-auth-user-pool';
