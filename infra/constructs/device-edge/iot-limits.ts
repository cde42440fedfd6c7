/**
 * What AWS IoT Core takes and how it meters a device's message; one home for the devices that publish and for
 * the local broker that stands in for IoT Core.
 */

/**
 * The largest PUBLISH payload IoT Core takes (AWS IoT Core message broker quotas, "128 KB"). A larger one is
 * refused (`PublishIn.ClientError`, log reason PAYLOAD_LIMIT_EXCEEDED); over MQTT 3.1.1 that ends the connection.
 */
export const IOT_MAX_PAYLOAD_BYTES = 128 * 1024;

/**
 * IoT Core meters a message in 5 KB units: a PUBLISH by its payload and topic, a rule triggered and an action
 * executed by the message they process (AWS IoT Core pricing, "additional metering details"; D25).
 */
export const IOT_BILLING_UNIT_BYTES = 5 * 1024;
