export * from './code-delivery';
export * from './custom-auth';
export * from './custom-auth-user-pool';
