/**
 * The contract between the construct and its bundled handlers: the environment variable names the
 * construct sets and the bounds both sides enforce. The construct validates props against these
 * bounds at synth time; the handlers re-check them at cold start and fail closed if they do not hold.
 * Keep this file free of imports: it is bundled into every handler.
 */

/** Environment variable names, set by the construct, read once per container by the handlers. */
export const ENV = {
  challengeCount: 'CHALLENGE_COUNT',
  passwordFirst: 'PASSWORD_FIRST',
  maxAttempts: 'MAX_ATTEMPTS',
  codeLength: 'CODE_LENGTH',
  codeValiditySeconds: 'CODE_VALIDITY_SECONDS',
  /** JSON of `CodeDeliveryConfig`. */
  codeDelivery: 'CODE_DELIVERY',
  /** The cross-session budget's DynamoDB table; absent when the budget is off. */
  budgetTable: 'BUDGET_TABLE',
  /** The time a spent budget takes to refill completely. */
  budgetWindowSeconds: 'BUDGET_WINDOW_SECONDS',
  budgetMaxCodes: 'BUDGET_MAX_CODES',
  budgetMaxWrongAnswers: 'BUDGET_MAX_WRONG_ANSWERS',
  /** The per-deployment salt of the limits table's keys (the stack's ID). */
  budgetSalt: 'BUDGET_SALT',
} as const;

/** Email through the SESv2 SendEmail API. */
export interface EmailChannelConfig {
  readonly kind: 'email';
  readonly from: string;
  readonly subject: string;
  readonly body: string;
}

/** SMS through the SNS Publish API, to a phone number (never a topic). */
export interface SmsChannelConfig {
  readonly kind: 'sms';
  readonly message: string;
  readonly senderId?: string;
  readonly originationNumber?: string;
}

/** A user-supplied Lambda function, invoked synchronously with `CustomSenderEvent`. */
export interface CustomChannelConfig {
  readonly kind: 'custom';
  readonly functionArn: string;
  /** The user attribute that holds the destination, e.g. `email`, `phone_number`, `custom:chat_id`. */
  readonly attribute: string;
  /** What clients see as `deliveryMedium`. */
  readonly medium: string;
}

export type ChannelConfig = EmailChannelConfig | SmsChannelConfig | CustomChannelConfig;

/** The delivery plan: the distinct channels, and which one each challenge (1..n) uses. */
export interface CodeDeliveryConfig {
  readonly channels: ChannelConfig[];
  /** `challenges[n - 1]` is the index in `channels` of challenge n's channel. */
  readonly challenges: number[];
}

/** What a custom sender function receives. Version 1 of the contract. */
export interface CustomSenderEvent {
  readonly version: '1';
  /** The unmasked destination, from the user attribute the channel names. */
  readonly destination: string;
  readonly destinationAttribute: string;
  /** The one-time code: deliver it, never log it. */
  readonly code: string;
  readonly challengeNumber: number;
  readonly challengeCount: number;
  readonly userPoolId: string;
  readonly username: string;
  /** The user's `locale` attribute, or `clientMetadata.locale` when the client sent one. */
  readonly locale?: string;
  /** ClientMetadata of RespondToAuthChallenge (untrusted client input; InitiateAuth's never arrives). */
  readonly clientMetadata: Record<string, string>;
}

/** An inclusive integer range with the default used when the prop is omitted. */
export interface IntegerBounds {
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

/** Custom challenges per sign-in. Beyond 10 a sign-in outgrows any sensible session validity. */
export const CHALLENGE_COUNT: IntegerBounds = { min: 1, max: 10, default: 1 };

/** Answers per challenge: the sign-in fails at this many wrong answers. */
export const MAX_ATTEMPTS: IntegerBounds = { min: 1, max: 10, default: 3 };

/** Digits in a one-time code. Below 6 a guess succeeds too often (NIST SP 800-63B). */
export const CODE_LENGTH: IntegerBounds = { min: 6, max: 10, default: 6 };

/** Absolute lifetime of one code in seconds, across retries of the same challenge. */
export const CODE_VALIDITY_SECONDS: IntegerBounds = { min: 60, max: 3600, default: 300 };

/**
 * The time a spent cross-session budget takes to refill, in seconds: one minute to one day. The
 * default, a day, bounds a week of guessing at the default budgets to 160 answers checked.
 */
export const BUDGET_WINDOW_SECONDS: IntegerBounds = { min: 60, max: 86400, default: 86400 };

/** Codes sent per user per window. */
export const BUDGET_MAX_CODES: IntegerBounds = { min: 1, max: 1000, default: 10 };

/** Wrong answers per user per window. */
export const BUDGET_MAX_WRONG_ANSWERS: IntegerBounds = { min: 1, max: 1000, default: 10 };

/** The placeholder a message template must contain; the handler replaces it with the code. */
export const CODE_PLACEHOLDER = '{####}';
