import { SNSClient } from '@aws-sdk/client-sns';

/** The process's one SNS client: defaults on AWS, AWS_ENDPOINT_URL_SNS locally. */
export const sns = new SNSClient({ maxAttempts: 5 });
