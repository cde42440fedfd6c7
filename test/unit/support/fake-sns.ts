import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';

/** SNS behind an SNSClient: Publish only, kept in order; `beforePublish` may throw to fail a publish. */
export class FakeSNS {
  readonly published: PublishCommandInput[] = [];
  readonly client: SNSClient;

  constructor(beforePublish?: (input: PublishCommandInput) => void) {
    this.client = {
      send: async (command: unknown) => {
        if (!(command instanceof PublishCommand)) throw new Error('the fake SNS handles Publish only');
        beforePublish?.(command.input);
        this.published.push(command.input);
        return { MessageId: `message-${this.published.length}` };
      },
    } as unknown as SNSClient;
  }
}
