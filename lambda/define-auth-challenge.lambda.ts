import type { DefineAuthChallengeTriggerEvent } from 'aws-lambda';
import { loadConfig, readChallengeConfig } from './config';
import { logEvent } from './log';
import { decideNextStep } from './session';

const config = loadConfig('define', readChallengeConfig);

/** Cognito's Define Auth Challenge trigger: a thin adapter around `decideNextStep`. */
export const handler = async (event: DefineAuthChallengeTriggerEvent): Promise<DefineAuthChallengeTriggerEvent> => {
  if (typeof event !== 'object' || event === null) {
    logEvent('error', { trigger: 'define', outcome: 'fail', reason: 'malformed event' });
    return { response: decideNextStep(undefined, true, undefined) } as DefineAuthChallengeTriggerEvent;
  }
  const request = event.request ?? {};
  const expected = event.triggerSource === 'DefineAuthChallenge_Authentication';
  const decision = decideNextStep(expected ? request.session : undefined, request.userNotFound === true, config);
  const outcome = decision.issueTokens ? 'tokens' : decision.failAuthentication ? 'fail' : decision.challengeName!;
  logEvent('info', { trigger: 'define', outcome });
  event.response = { ...decision };
  return event;
};
