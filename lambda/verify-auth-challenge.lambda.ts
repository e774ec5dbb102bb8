import type { VerifyAuthChallengeResponseTriggerEvent } from 'aws-lambda';
import { answerMatches } from './codes';
import { logEvent } from './log';

/**
 * Cognito's Verify Auth Challenge Response trigger. Everything it needs travels in the private
 * challenge parameters Create wrote, so it reads no configuration. Unknown users are never right.
 */
export const handler = async (
  event: VerifyAuthChallengeResponseTriggerEvent,
): Promise<VerifyAuthChallengeResponseTriggerEvent> => {
  if (typeof event !== 'object' || event === null) {
    logEvent('error', { trigger: 'verify', outcome: 'wrong', reason: 'malformed event' });
    return { response: { answerCorrect: false } } as VerifyAuthChallengeResponseTriggerEvent;
  }
  const request = event.request ?? {};
  const answerCorrect = event.triggerSource === 'VerifyAuthChallengeResponse_Authentication'
    && request.userNotFound !== true
    && answerMatches(request.privateChallengeParameters, request.challengeAnswer, Date.now());
  logEvent('info', { trigger: 'verify', outcome: answerCorrect ? 'correct' : 'wrong' });
  event.response = { answerCorrect };
  return event;
};
