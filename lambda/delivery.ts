import { randomInt } from 'node:crypto';
import { callAws } from './aws-request';
import type { CodeConfig } from './config';
import { CODE_PLACEHOLDER } from '../src/private/handler-contract';

/** Durations of this container's recent real sends, replayed when imitating one. */
const recentSendMillis: number[] = [];
const REMEMBERED_SENDS = 20;
/** Before any real send was timed: a range like an SES call from Lambda in the same region. */
const FALLBACK_SEND_MILLIS = { min: 60, max: 180 };

function sleep(millis: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, millis));
}

function withCode(template: string, code: string): string {
  return template.split(CODE_PLACEHOLDER).join(code);
}

/** The whole send, retries included, must end well inside Cognito's 5-second trigger budget. */
const SEND_DEADLINE_MILLIS = 3000;

/** Sends the code by SES; a slow or hanging SES fails the send instead of outliving the trigger. */
export async function sendCodeByEmail(config: CodeConfig, to: string, code: string): Promise<void> {
  const started = performance.now();
  await callAws({
    signingName: 'ses',
    endpointId: 'SESV2',
    host: (region) => `email.${region}.amazonaws.com`,
    path: '/v2/email/outbound-emails',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      FromEmailAddress: config.emailFrom,
      Destination: { ToAddresses: [to] },
      Content: {
        Simple: {
          Subject: { Data: withCode(config.emailSubject, code), Charset: 'UTF-8' },
          Body: { Text: { Data: withCode(config.emailBody, code), Charset: 'UTF-8' } },
        },
      },
    }),
    deadlineMillis: SEND_DEADLINE_MILLIS,
  });
  recentSendMillis.push(performance.now() - started);
  if (recentSendMillis.length > REMEMBERED_SENDS) {
    recentSendMillis.shift();
  }
}

/** Takes as long as a real send would, so a caller cannot tell a user without a destination by timing. */
export function imitateSend(): Promise<void> {
  const millis = recentSendMillis.length > 0
    ? recentSendMillis[randomInt(recentSendMillis.length)]
    : randomInt(FALLBACK_SEND_MILLIS.min, FALLBACK_SEND_MILLIS.max);
  return sleep(millis);
}
