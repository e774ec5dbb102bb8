import type { CreateAuthChallengeTriggerEvent } from 'aws-lambda';
import { encodeMetadata, generateCode, issueCode, toPrivateParameters } from './codes';
import { loadConfig, readCodeConfig } from './config';
import { imitateSend, sendCodeByEmail } from './delivery';
import { logEvent } from './log';
import { maskedEmailDestination } from './mask';
import { walkSession } from './session';

const config = loadConfig('create', readCodeConfig);

/** What reaches the client when this trigger throws: nothing about the user, the code or the cause. */
const GENERIC_ERROR = 'Sign-in could not continue';

function failClosed(reason: string): never {
  logEvent('error', { trigger: 'create', outcome: 'fail', reason });
  throw new Error(GENERIC_ERROR);
}

/**
 * Cognito's Create Auth Challenge trigger. Issues a fresh code for each new challenge and reuses the
 * pending one after a wrong answer (no second message). Users who do not exist, or have no verified
 * address, go through the same steps with a real code that is never sent, and take as long.
 */
export const handler = async (event: CreateAuthChallengeTriggerEvent): Promise<CreateAuthChallengeTriggerEvent> => {
  const request = event.request ?? {};
  if (!config) {
    return failClosed('misconfigured');
  }
  if (event.triggerSource !== 'CreateAuthChallenge_Authentication' || request.challengeName !== 'CUSTOM_CHALLENGE') {
    return failClosed('unexpected trigger');
  }
  const progress = walkSession(request.session, config);
  if (progress.next !== 'CUSTOM_CHALLENGE') {
    return failClosed(progress.next === 'FAIL' ? progress.reason : 'no challenge due');
  }
  const { challengeNumber, wrongAnswers } = progress;
  const attributes = request.userAttributes ?? {};
  const verifiedEmail = request.userNotFound !== true && attributes.email_verified === 'true' ? attributes.email : undefined;

  const now = Date.now();
  let issued = progress.pendingCode;
  if (issued === undefined || issued.expiresAt < now) {
    const code = generateCode(config.codeLength);
    issued = issueCode(code, challengeNumber, now + config.codeValiditySeconds * 1000);
    try {
      await (verifiedEmail ? sendCodeByEmail(config, verifiedEmail, code) : imitateSend());
    } catch (error) {
      return failClosed(`delivery failed: ${(error as Error)?.name ?? 'unknown error'}`);
    }
  }
  logEvent('info', { trigger: 'create', outcome: issued === progress.pendingCode ? 'code reused' : 'code issued', challengeNumber, wrongAnswers });

  event.response = {
    publicChallengeParameters: {
      deliveryMedium: 'EMAIL',
      destination: maskedEmailDestination(attributes.email, event.userName ?? ''),
      challengeNumber: String(challengeNumber),
      challengeCount: String(config.challengeCount),
      attemptsRemaining: String(config.maxAttempts - wrongAnswers),
      codeLength: String(issued.codeLength),
    },
    privateChallengeParameters: toPrivateParameters(issued),
    challengeMetadata: encodeMetadata(issued),
  };
  return event;
};
