import { describe, expect, it } from 'vitest';
import { servicePorts } from '../../../../../infra/local/start-up/ports.ts';

describe('servicePorts', () => {
  it('gives Kinesis, DynamoDB, S3 and SNS four consecutive ports from a base port, the shop base + 5, the MQTT broker base + 6', async () => {
    // Act
    const ports = await servicePorts(4566, async () => {
      throw new Error('no free port is needed');
    });

    // Assess
    expect(ports).toEqual({ kinesis: 4566, dynamodb: 4567, s3: 4568, sns: 4569, shop: 4571, mqtt: 4572 });
  });

  it.each([
    0,
    undefined,
  ])('asks for a free port for each service when the base port is %s', async (basePort) => {
    // Prepare
    let next = 50_000;

    // Act
    const ports = await servicePorts(basePort, async () => next++);

    // Assess
    expect(ports).toEqual({
      kinesis: 50_000,
      dynamodb: 50_001,
      s3: 50_002,
      sns: 50_003,
      shop: 50_004,
      mqtt: 50_005,
    });
  });
});
