import { type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import {
  ApiKey,
  EndpointType,
  type IResource,
  LogGroupLogDestination,
  type Method,
  MethodLoggingLevel,
  RestApi,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { FilterPattern, LogGroup, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { COLLECTOR_RESPONSES_METRIC } from '../../dashboards/index.ts';
import { DEFAULTS } from '../defaults.ts';
import { accessLogFormat } from './collector/access-log.ts';
import { addGatewayResponses } from './collector/gateway-responses.ts';
import { addPutRecordsRoute } from './collector/put-records-route.ts';
import { eventBatchSchema } from './collector/request-model.ts';
import { assertOrigins, assertThrottles, type WebCollectorSettings } from './collector/settings.ts';

export interface WebCollectorProps extends WebCollectorSettings {
  /** The stream every accepted event is put into. */
  readonly events: IStream;
  /** What happens to the access log on `cdk destroy`. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The web edge: an API Gateway REST API that writes batches of events straight into the event stream,
 * each request as one Kinesis record holding the whole batch (`{"edge": …, "events": […]}`, docs/decisions.md
 * D36), put by a PutRecords call of one entry (an AWS service integration, VTL mapping templates, no Lambda).
 *
 * - `POST /v1/events`: browsers, no key; written only for an Origin on the allow-list, else 403.
 * - `POST /v1/server/events`: server-side sources, with an X-Api-Key of the usage plan (per-key throttle).
 *
 * Both check the body against the event-batch model (400), take JSON as application/json or text/plain
 * (415 otherwise), and answer whether Kinesis took the batch: all of it (200) or none (429/503, 413 too large).
 */
export class WebCollector extends Construct {
  readonly api: RestApi;
  readonly browserMethod: Method;
  readonly serverMethod: Method;
  readonly apiKey: ApiKey;
  readonly usagePlan: UsagePlan;
  readonly accessLog: LogGroup;
  /** The role API Gateway assumes to call Kinesis: kinesis:PutRecords on the stream, nothing else. */
  readonly role: Role;
  /** Plain names (no tokens), so the ops view can name the API Gateway metrics locally too. */
  readonly apiName: string;
  readonly stageName: string;
  readonly allowedOrigins: readonly string[];

  constructor(scope: Construct, id: string, props: WebCollectorProps) {
    super(scope, id);
    const defaults = DEFAULTS.collector;
    this.allowedOrigins = props.allowedOrigins ?? defaults.allowedOrigins;
    assertOrigins(this.allowedOrigins);
    const throttles = {
      rateLimit: props.rateLimit ?? defaults.rateLimit,
      burstLimit: props.burstLimit ?? defaults.burstLimit,
      keyRateLimit: props.keyRateLimit ?? defaults.keyRateLimit,
      keyBurstLimit: props.keyBurstLimit ?? defaults.keyBurstLimit,
    };
    assertThrottles(throttles);
    this.apiName = `${Stack.of(this).stackName}-collector`;
    this.stageName = defaults.stageName;

    this.accessLog = new LogGroup(this, 'AccessLog', {
      retention: defaults.accessLogRetention,
      removalPolicy: props.removalPolicy ?? DEFAULTS.removalPolicy,
    });
    this.api = new RestApi(this, 'Api', {
      restApiName: this.apiName,
      description: 'streamlake web collector: a batch of events per request -> one Kinesis record',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Access logs need the account's CloudWatch role for API Gateway; the stack sets it.
      cloudWatchRole: true,
      deployOptions: {
        stageName: this.stageName,
        accessLogDestination: new LogGroupLogDestination(this.accessLog),
        accessLogFormat: accessLogFormat(this.apiName),
        metricsEnabled: true,
        // Execution logs of failures only (never bodies); tracing off: X-Ray would cost more than the request.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: false,
        throttlingRateLimit: throttles.rateLimit,
        throttlingBurstLimit: throttles.burstLimit,
      },
    });

    // RestApi adds an output of its base URL; the stack declares the collector's URLs by name instead.
    this.api.node.tryRemoveChild('Endpoint');

    this.role = new Role(this, 'PutRecordsRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway puts collector batches into the event stream',
    });
    this.role.addToPolicy(
      new PolicyStatement({ actions: ['kinesis:PutRecords'], resources: [props.events.streamArn] }),
    );
    // An AWS-managed key (the stream's default) needs no grant; a customer-managed one does.
    props.events.encryptionKey?.grant(this.role, 'kms:GenerateDataKey');

    const model = this.api.addModel('EventBatch', {
      contentType: 'application/json',
      modelName: 'EventBatch',
      description:
        'A JSON array of 1-500 events, or {"events": [...]}; each with schema, version, eventId, eventTime',
      schema: eventBatchSchema(),
    });
    // No parameter is required, so checking parameters costs nothing; the body is checked against the model.
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const route = (resource: IResource, originRequired: boolean) =>
      addPutRecordsRoute(resource, {
        templates: {
          streamName: props.events.streamName,
          allowedOrigins: this.allowedOrigins,
          originRequired,
          serverRoute: `POST ${defaults.serverPath}`,
          retryAfterThrottledSeconds: defaults.retryAfterThrottled.toSeconds(),
          retryAfterUnavailableSeconds: defaults.retryAfterUnavailable.toSeconds(),
        },
        role: this.role,
        model,
        validator,
        // Browsers are let in by origin (no key); server-side sources by API key.
        apiKeyRequired: !originRequired,
      });

    const browser = this.api.root.resourceForPath(defaults.browserPath);
    this.browserMethod = route(browser, true);
    this.serverMethod = route(this.api.root.resourceForPath(defaults.serverPath), false);
    if (this.allowedOrigins.length > 0) {
      browser.addCorsPreflight({
        allowOrigins: [...this.allowedOrigins],
        allowMethods: ['POST'],
        allowHeaders: ['Content-Type', 'X-Api-Key'],
        maxAge: defaults.preflightMaxAge,
        statusCode: 204,
      });
    }
    addGatewayResponses(
      this.api,
      { browser: defaults.browserPath, server: defaults.serverPath },
      {
        throttled: defaults.retryAfterThrottled.toSeconds(),
        unavailable: defaults.retryAfterUnavailable.toSeconds(),
      },
    );

    this.usagePlan = this.api.addUsagePlan('ServerSources', {
      description: 'Server-side sources of the collector, each with its own API key and throttle',
      throttle: { rateLimit: throttles.keyRateLimit, burstLimit: throttles.keyBurstLimit },
      apiStages: [{ api: this.api, stage: this.api.deploymentStage }],
    });
    this.apiKey = new ApiKey(this, 'ServerKey', {
      description: 'A server-side source of the collector (X-Api-Key on POST /v1/server/events)',
    });
    this.usagePlan.addApiKey(this.apiKey);

    new MetricFilter(this, 'ResponsesByStatus', {
      logGroup: this.accessLog,
      filterPattern: FilterPattern.exists('$.status'),
      metricNamespace: COLLECTOR_RESPONSES_METRIC.namespace,
      metricName: COLLECTOR_RESPONSES_METRIC.name,
      metricValue: '1',
      dimensions: { ...COLLECTOR_RESPONSES_METRIC.dimensions },
    });
    this.acknowledgeNagFindings();
  }

  /** The URL browsers POST batches to (the tracker's `collectorUrl`). */
  get url(): string {
    return this.api.urlForPath(DEFAULTS.collector.browserPath);
  }

  /** The URL server-side sources POST batches to, with their X-Api-Key. */
  get serverUrl(): string {
    return this.api.urlForPath(DEFAULTS.collector.serverPath);
  }

  /** Every cdk-nag finding this construct accepts, one by one, with the reason. */
  private acknowledgeNagFindings(): void {
    const acknowledge = (id: string, reason: string) => Validations.of(this).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-APIG3',
      'A WAF web ACL costs $5 a month plus $0.60 per million requests, several times the whole edge budget ' +
        '(at most $0.10 per million events). Abuse is bounded without it: stage and per-key throttles, the origin ' +
        'allow-list, the request model and the 10 MB body cap; add WAF when a deployment needs per-client rate rules.',
    );
    const publicIngest =
      'The collector is a public ingest endpoint, as every analytics collector is: a browser cannot hold credentials. ' +
      'Browser requests are written only for allow-listed origins, server-side sources need an API key of the usage plan, ' +
      'every request is throttled and checked against the event-batch model, and nothing is ever read back. ' +
      'The CORS preflight is a mock integration with no backend.';
    acknowledge('AwsSolutions-APIG4', publicIngest);
    acknowledge('AwsSolutions-COG4', publicIngest);
    acknowledge(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      "API Gateway's account-level CloudWatch role, which access and execution logging require, uses the AWS " +
        'managed policy AWS documents for that role; it allows writing logs only.',
    );
  }
}
