import { randomInt } from 'node:crypto';
import { callAws } from './aws-request';
import { maskDestination } from './mask';
import {
  ChannelConfig, CODE_PLACEHOLDER, CustomChannelConfig, CustomSenderEvent, EmailChannelConfig, SmsChannelConfig,
} from '../src/private/handler-contract';

/** The whole send, retries included, must end well inside Cognito's 5-second trigger budget. */
const SEND_DEADLINE_MILLIS = 3000;

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

const sendEmail = (channel: EmailChannelConfig, to: string, code: string) => callAws({
  signingName: 'ses',
  endpointId: 'SESV2',
  host: (region) => `email.${region}.amazonaws.com`,
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
  deadlineMillis: SEND_DEADLINE_MILLIS,
  retry: true,
});

const sendSms = (channel: SmsChannelConfig, phoneNumber: string, code: string) => {
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
    endpointId: 'SNS',
    host: (region) => `sns.${region}.amazonaws.com`,
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: form.toString(),
    deadlineMillis: SEND_DEADLINE_MILLIS,
    retry: true,
  });
};

const sendWithFunction = (channel: CustomChannelConfig, destination: string, code: string, context: SendContext) => {
  const event: CustomSenderEvent = { version: '1', destination, destinationAttribute: channel.attribute, code, ...context };
  return callAws({
    signingName: 'lambda',
    endpointId: 'LAMBDA',
    host: (region) => `lambda.${region}.amazonaws.com`,
    path: `/2015-03-31/functions/${encodeURIComponent(channel.functionArn)}/invocations`,
    headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
    body: JSON.stringify(event),
    deadlineMillis: SEND_DEADLINE_MILLIS,
    // The function may have delivered before it failed: a second invocation could send twice.
    retry: false,
  });
};

/** Durations of this container's recent real sends per channel kind, replayed when imitating one. */
const recentSendMillis = new Map<string, number[]>();
const REMEMBERED_SENDS = 20;
/** Before any real send was timed: a range like an AWS API call from Lambda in the same region. */
const FALLBACK_SEND_MILLIS = { min: 60, max: 180 };

/** Delivers the code through the channel; throws (AwsCallError) if the channel did not accept it. */
export async function deliver(channel: ChannelConfig, destination: string, code: string, context: SendContext): Promise<void> {
  const started = performance.now();
  if (channel.kind === 'email') {
    await sendEmail(channel, destination, code);
  } else if (channel.kind === 'sms') {
    await sendSms(channel, destination, code);
  } else {
    await sendWithFunction(channel, destination, code, context);
  }
  const recent = recentSendMillis.get(channel.kind) ?? [];
  recent.push(performance.now() - started);
  recentSendMillis.set(channel.kind, recent.slice(-REMEMBERED_SENDS));
}

/** Takes as long as a real send on this channel would, so a caller cannot tell a user without a destination by timing. */
export function imitateDelivery(channel: ChannelConfig): Promise<void> {
  const recent = recentSendMillis.get(channel.kind) ?? [];
  const millis = recent.length > 0 ? recent[randomInt(recent.length)] : randomInt(FALLBACK_SEND_MILLIS.min, FALLBACK_SEND_MILLIS.max);
  return new Promise((resolve) => setTimeout(resolve, millis));
}
