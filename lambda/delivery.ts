import { randomInt } from 'node:crypto';
import { callAws, ENDPOINTS, openConnection } from './aws-request';
import type { Deadline } from './deadline';
import { maskDestination } from './mask';
import {
  ChannelConfig, CODE_PLACEHOLDER, CustomChannelConfig, CustomSenderEvent, EmailChannelConfig, SmsChannelConfig,
} from '../src/private/handler-contract';

/** What a channel is called by clients, and the user attribute its destination comes from. */
export function mediumOf(channel: ChannelConfig): string {
  return channel.kind === 'email' ? 'EMAIL' : channel.kind === 'sms' ? 'SMS' : channel.medium;
}

function attributeOf(channel: ChannelConfig): string {
  return channel.kind === 'email' ? 'email' : channel.kind === 'sms' ? 'phone_number' : channel.attribute;
}

/** Where this channel may send for this user: the attribute, only if present and (for email and phone) verified. */
export function destinationFor(channel: ChannelConfig, attributes: Record<string, string>, userNotFound: boolean): string | undefined {
  const attribute = attributeOf(channel);
  const raw: unknown = attributes[attribute];
  const value = typeof raw === 'string' ? raw.trim() : undefined;
  const verified = attribute === 'email' || attribute === 'phone_number' ? attributes[`${attribute}_verified`] === 'true' : true;
  return !userNotFound && verified && value ? value : undefined;
}

/** What clients are shown as the destination: masked, and alike for users with and without one. */
export function maskedDestinationFor(channel: ChannelConfig, attributes: Record<string, string>, username: string): string {
  const attribute = attributeOf(channel);
  return maskDestination(attribute, attributes[attribute], username);
}

function withCode(template: string, code: string): string {
  return template.split(CODE_PLACEHOLDER).join(code);
}

/** What a send knows besides the code; custom senders receive all of it. */
export type SendContext = Omit<CustomSenderEvent, 'version' | 'destination' | 'destinationAttribute' | 'code'>;

/** Each channel kind's API, and the budget's. */
const ENDPOINT_OF = { email: ENDPOINTS.sesv2, sms: ENDPOINTS.sns, custom: ENDPOINTS.lambda, budget: ENDPOINTS.dynamodb } as const;

const sendEmail = (channel: EmailChannelConfig, to: string, code: string, deadline: Deadline) => callAws({
  signingName: 'ses',
  ...ENDPOINT_OF.email,
  path: '/v2/email/outbound-emails',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({
    FromEmailAddress: channel.from,
    Destination: { ToAddresses: [to] },
    Content: {
      Simple: {
        Subject: { Data: withCode(channel.subject, code), Charset: 'UTF-8' },
        Body: { Text: { Data: withCode(channel.body, code), Charset: 'UTF-8' } },
      },
    },
  }),
  deadline,
  retry: true,
});

const sendSms = (channel: SmsChannelConfig, phoneNumber: string, code: string, deadline: Deadline) => {
  const attributes: Array<[string, string | undefined]> = [
    ['AWS.SNS.SMS.SMSType', 'Transactional'],
    ['AWS.SNS.SMS.SenderID', channel.senderId],
    ['AWS.MM.SMS.OriginationNumber', channel.originationNumber],
  ];
  const form = new URLSearchParams({ Action: 'Publish', Version: '2010-03-31', PhoneNumber: phoneNumber, Message: withCode(channel.message, code) });
  attributes.filter(([, value]) => value !== undefined).forEach(([name, value], i) => {
    form.set(`MessageAttributes.entry.${i + 1}.Name`, name);
    form.set(`MessageAttributes.entry.${i + 1}.Value.DataType`, 'String');
    form.set(`MessageAttributes.entry.${i + 1}.Value.StringValue`, value!);
  });
  return callAws({
    signingName: 'sns',
    ...ENDPOINT_OF.sms,
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: form.toString(),
    deadline,
    retry: true,
  });
};

const sendWithFunction = (channel: CustomChannelConfig, destination: string, code: string, deadline: Deadline, context: SendContext) => {
  const event: CustomSenderEvent = { version: '1', destination, destinationAttribute: channel.attribute, code, ...context };
  return callAws({
    signingName: 'lambda',
    ...ENDPOINT_OF.custom,
    path: `/2015-03-31/functions/${encodeURIComponent(channel.functionArn)}/invocations`,
    headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
    body: JSON.stringify(event),
    deadline,
    // The function may have delivered before it failed: a second invocation could send twice.
    retry: false,
  });
};

/** Durations of this container's recent real sends per channel kind, replayed when imitating one. */
const recentSendMillis = new Map<string, number[]>();
const REMEMBERED_SENDS = 20;
/** Round trips to each channel's endpoint over the connection opened at cold start, until a real send is timed. */
const warmUpMillis = new Map<string, Promise<number | undefined>>();
/** If the endpoint did not answer the warm-up either: a range like an AWS API call from Lambda in the same region. */
const FALLBACK_SEND_MILLIS = { min: 60, max: 180 };

/**
 * Opens the connections a first invocation will need (each channel's API, and DynamoDB for the
 * budget) during cold start, and times one round trip over each: a first real send then costs what
 * a warm one does, and a first imitated send lasts about as long. Never throws.
 */
export function warmUp(channels: ChannelConfig[], budget: boolean): void {
  const kinds = new Set<keyof typeof ENDPOINT_OF>(channels.map((channel) => channel.kind));
  if (budget) {
    kinds.add('budget');
  }
  for (const kind of kinds) {
    const { endpointPrefix, endpointId } = ENDPOINT_OF[kind];
    warmUpMillis.set(kind, openConnection(endpointPrefix, endpointId));
  }
}

/** Delivers the code through the channel by the deadline; throws (AwsCallError) if the channel did not accept it. */
export async function deliver(channel: ChannelConfig, destination: string, code: string, deadline: Deadline, context: SendContext): Promise<void> {
  const started = performance.now();
  if (channel.kind === 'email') {
    await sendEmail(channel, destination, code, deadline);
  } else if (channel.kind === 'sms') {
    await sendSms(channel, destination, code, deadline);
  } else {
    await sendWithFunction(channel, destination, code, deadline, context);
  }
  const recent = recentSendMillis.get(channel.kind) ?? [];
  recent.push(performance.now() - started);
  recentSendMillis.set(channel.kind, recent.slice(-REMEMBERED_SENDS));
}

/**
 * Takes as long as a real send on this channel would (never past the deadline), so a caller cannot
 * tell a user without a destination by timing: a recent real send's duration, or before any, the
 * round trip timed at cold start.
 */
export async function imitateDelivery(channel: ChannelConfig, deadline: Deadline): Promise<void> {
  const recent = recentSendMillis.get(channel.kind) ?? [];
  const warm = recent.length > 0 ? undefined : await warmUpMillis.get(channel.kind);
  const millis = recent.length > 0 ? recent[randomInt(recent.length)]
    : warm ?? randomInt(FALLBACK_SEND_MILLIS.min, FALLBACK_SEND_MILLIS.max);
  await new Promise((resolve) => setTimeout(resolve, Math.min(millis, deadline.remaining())));
}
