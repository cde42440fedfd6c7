import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The process's one DynamoDB client (document form): defaults on AWS, AWS_ENDPOINT_URL_DYNAMODB locally. */
export const dynamodb = DynamoDBDocumentClient.from(new DynamoDBClient({ maxAttempts: 5 }), {
  marshallOptions: { removeUndefinedValues: true },
});
