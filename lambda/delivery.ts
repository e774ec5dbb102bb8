import { randomInt } from 'node:crypto';
import { callAws, ENDPOINTS, pingEndpoint } from './aws-request';
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

/** Each channel kind's API. */
const ENDPOINT_OF = { email: ENDPOINTS.sesv2, sms: ENDPOINTS.sns, custom: ENDPOINTS.lambda } as const;

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
/** Per channel kind: the connection opened at cold start, once it is (or failed to be). */
const connected = new Map<string, Promise<void>>();
/** A warm-up the endpoint has not answered by then is given up (a send then opens its own connection). */
const WARM_UP_TIMEOUT_MILLIS = 1000;

/**
 * Opens the connection to each channel's API during cold start, so that a container's first send,
 * real or imitated, does not pay the TCP and TLS set-up (a cost only real sends would otherwise pay).
 */
export function warmUp(channels: ChannelConfig[]): void {
  for (const kind of new Set(channels.map((channel) => channel.kind))) {
    connected.set(kind, pingEndpoint(ENDPOINT_OF[kind], WARM_UP_TIMEOUT_MILLIS));
  }
}

/** Waits for the cold start's connection to the channel's API, but not past the deadline. */
async function untilConnected(channel: ChannelConfig, deadline: Deadline): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    connected.get(channel.kind) ?? Promise.resolve(),
    new Promise((resolve) => { timer = setTimeout(resolve, deadline.remaining()); }),
  ]);
  clearTimeout(timer);
}

/** Delivers the code through the channel by the deadline; throws (AwsCallError) if the channel did not accept it. */
export async function deliver(channel: ChannelConfig, destination: string, code: string, deadline: Deadline, context: SendContext): Promise<void> {
  await untilConnected(channel, deadline);
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
 * tell a user without a destination by timing: the duration of one of this container's recent real
 * sends, or, before any, a real round trip to the channel's API over the connection a send would use.
 */
export async function imitateDelivery(channel: ChannelConfig, deadline: Deadline): Promise<void> {
  await untilConnected(channel, deadline);
  const recent = recentSendMillis.get(channel.kind) ?? [];
  if (recent.length === 0) {
    return pingEndpoint(ENDPOINT_OF[channel.kind], deadline.remaining());
  }
  const millis = recent[randomInt(recent.length)];
  await new Promise((resolve) => setTimeout(resolve, Math.min(millis, deadline.remaining())));
}
