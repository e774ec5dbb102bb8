import { rememberSecrets } from './log-capture';
import { LocalAwsEndpoints } from '../../src/local/aws-endpoints';

export type { ReceivedMessage } from '../../src/local/aws-endpoints';

/**
 * The local AWS endpoints of src/local/aws-endpoints.ts for in-process tests: started on free ports,
 * with `process.env` pointed at them, and every delivered code and address recorded as a secret that
 * no handler log line may contain (test/support/log-capture.ts).
 */
export class LocalAws extends LocalAwsEndpoints {
  public static async start(): Promise<LocalAws> {
    const aws = new LocalAws();
    await aws.listen();
    Object.assign(process.env, aws.environment);
    aws.onMessage((message) => rememberSecrets(...message.to, ...`${message.subject ?? ''} ${message.body}`.match(/[0-9]{6,}/g) ?? [],
      ...(message.channel === 'custom' ? [message.attributes.code] : [])));
    return aws;
  }
}
