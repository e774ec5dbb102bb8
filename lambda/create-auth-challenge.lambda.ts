import type { CreateAuthChallengeTriggerEvent } from 'aws-lambda';
import { BudgetCounter, takeFromBudget } from './budget';
import { encodeMetadata, generateCode, issueCode, toPrivateParameters } from './codes';
import { loadConfig, readCodeConfig } from './config';
import { invocationDeadline } from './deadline';
import { deliver, destinationFor, imitateDelivery, maskedDestinationFor, mediumOf, warmUp } from './delivery';
import { logEvent } from './log';
import { walkSession } from './session';

const config = loadConfig('create', readCodeConfig);
// At cold start: connect to the providers now, so a first real send costs what a warm one does.
if (config) {
  warmUp(config.delivery.channels);
}

/** What reaches the client when this trigger throws: nothing about the user, the code or the cause. */
const GENERIC_ERROR = 'Sign-in could not continue';

function failClosed(reason: string): never {
  logEvent('error', { trigger: 'create', outcome: 'fail', reason });
  throw new Error(GENERIC_ERROR);
}

/**
 * Cognito's Create Auth Challenge trigger. Issues a fresh code for each new challenge and reuses the
 * pending one after a wrong answer (no second message), delivered through the channel configured
 * for that challenge. Users who do not exist, or have no verified destination for the channel, go
 * through the same steps with a real code that is never sent, and take as long. Every AWS call ends
 * by one deadline (`invocationDeadline`): the trigger answers within 4.5 s of its start.
 */
export const handler = async (event: CreateAuthChallengeTriggerEvent, context?: unknown): Promise<CreateAuthChallengeTriggerEvent> => {
  const deadline = invocationDeadline(context);
  if (typeof event !== 'object' || event === null) {
    return failClosed('malformed event');
  }
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
  const channel = config.delivery.channels[config.delivery.challenges[challengeNumber - 1]];
  const destination = destinationFor(channel, attributes, request.userNotFound === true);
  const username = typeof event.userName === 'string' ? event.userName : '';

  const now = Date.now();
  const pending = progress.pendingCode;
  const needsNewCode = pending === undefined || pending.expiresAt < now;
  // Across sessions: the wrong answer that led here, and the code about to be sent, each take a unit
  // of this user's budget (in one UpdateItem); an unknown username has a budget too, so both look the
  // same when it is spent.
  if (config.budget) {
    const counters: BudgetCounter[] = [];
    if (wrongAnswers > 0) {
      counters.push('wrongAnswers');
    }
    if (needsNewCode) {
      counters.push('codes');
    }
    let withinBudget: boolean;
    try {
      withinBudget = await takeFromBudget(config.budget, username, counters, deadline, now);
    } catch (error) {
      return failClosed(`budget unavailable: ${(error as Error)?.name ?? 'unknown error'}`);
    }
    if (!withinBudget) {
      return failClosed('budget spent');
    }
  }
  let issued = pending;
  if (issued === undefined || needsNewCode) {
    const code = generateCode(config.codeLength);
    issued = issueCode(code, challengeNumber, now + config.codeValiditySeconds * 1000);
    const clientMetadata = request.clientMetadata ?? {};
    try {
      await (destination === undefined ? imitateDelivery(channel, deadline) : deliver(channel, destination, code, deadline, {
        challengeNumber,
        challengeCount: config.challengeCount,
        userPoolId: event.userPoolId,
        username,
        locale: clientMetadata.locale ?? attributes.locale,
        clientMetadata,
      }));
    } catch (error) {
      return failClosed(`delivery failed: ${(error as Error)?.name ?? 'unknown error'}`);
    }
  }
  logEvent('info', { trigger: 'create', outcome: needsNewCode ? 'code issued' : 'code reused', challengeNumber, wrongAnswers });

  event.response = {
    publicChallengeParameters: {
      deliveryMedium: mediumOf(channel),
      destination: maskedDestinationFor(channel, attributes, username),
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
