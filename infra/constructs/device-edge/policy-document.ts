import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * IoT Core's policy variable for the thing attached to the certificate the device connected with. It resolves
 * only when the client id equals a thing name attached to that certificate, so a device can use no other.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: an IoT policy variable, resolved by IoT Core.
export const THING_NAME = '${iot:Connection.Thing.ThingName}';

/**
 * The IoT policy every device certificate gets: connect with its own thing name as client id, publish to its
 * own telemetry topic; nothing else (no subscribe, no receive, no retained or shadow topics). Client ids and
 * topics are in the stack's account and region.
 */
export const devicePolicyDocument = (
  scope: IConstruct,
  telemetryTopic: (deviceId: string) => string,
): Record<string, unknown> => {
  const iotArn = (resource: 'client' | 'topic', resourceName: string) =>
    Stack.of(scope).formatArn({
      service: 'iot',
      resource,
      resourceName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: iotArn('client', THING_NAME) },
      { Effect: 'Allow', Action: 'iot:Publish', Resource: iotArn('topic', telemetryTopic(THING_NAME)) },
    ],
  };
};
