/**
 * The only way handlers write logs: a fixed set of fields, so no event, code, answer, address or
 * private parameter can end up in CloudWatch by accident.
 */
export interface LogFields {
  readonly trigger: string;
  readonly outcome: string;
  readonly challengeNumber?: number;
  readonly wrongAnswers?: number;
  readonly reason?: string;
}

export function logEvent(level: 'info' | 'error', fields: LogFields): void {
  const { trigger, outcome, challengeNumber, wrongAnswers, reason } = fields;
  const line = JSON.stringify({ trigger, outcome, challengeNumber, wrongAnswers, reason });
  if (level === 'error') {
    console.error(line);
  } else {
    console.info(line);
  }
}
