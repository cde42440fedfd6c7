/**
 * Mapping templates of the test REST API (events-api-stack.ts), written as the collector's were before it put a
 * request as one record (docs/decisions.md D36): each event becomes one PutRecords entry whose data is the event
 * with an `edge` object added first. Kept so, the local API Gateway's per-entry paths stay covered: `#foreach` over
 * the body, `$input.json` per element, a 207 naming refused entries.
 */

/** Origins the test API's CORS allows; the first is the preflight's default. */
export const ALLOWED_ORIGINS = ['http://127.0.0.1:5173', 'http://localhost:5173'] as const;

/** Sets the CORS origin header when the request's Origin is allowed (a response template's first lines). */
const corsOrigin = [
  `#set($origin = $input.params('Origin'))`,
  `#if(${ALLOWED_ORIGINS.map((o) => `$origin == "${o}"`).join(' || ')})`,
  '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
  '#end',
];

/** The receive time, ISO-8601 UTC with milliseconds, from `$context.requestTime` (CLF) and `requestTimeEpoch`. */
const receivedAt = [
  '#set($t = $context.requestTime)',
  `#set($months = {"Jan":"01","Feb":"02","Mar":"03","Apr":"04","May":"05","Jun":"06","Jul":"07","Aug":"08","Sep":"09","Oct":"10","Nov":"11","Dec":"12"})`,
  '#set($ms = $context.requestTimeEpoch % 1000)',
  '#if($ms < 10)#set($msText = "00$ms")#elseif($ms < 100)#set($msText = "0$ms")#else#set($msText = "$ms")#end',
  '#set($receivedAt = $t.substring(7,11) + "-" + $months.get($t.substring(3,6)) + "-" + $t.substring(0,2) + "T" + $t.substring(12,20) + "." + $msText + "Z")',
];

/** The `edge` object, without its closing brace; the IPv4 source address with its last octet zeroed. */
const edge = [
  '#set($ip = $context.identity.sourceIp)',
  String.raw`#set($edgeIp = $ip.replaceAll("\.\d+$", ".0"))`,
  `#set($edge = '{"edge":{"receivedAt":"' + $receivedAt + '","requestId":"' + $context.requestId + '","sourceIp":"' + $edgeIp + '"')`,
  `#if("$!context.identity.userAgent" != "")`,
  String.raw`#set($edge = $edge + ',"userAgent":"' + $util.escapeJavaScript($context.identity.userAgent).replaceAll("\\'", "'") + '"')`,
  '#end',
  `#set($requestOrigin = $input.params('Origin'))`,
  `#if($requestOrigin != "")#set($edge = $edge + ',"origin":"' + $util.escapeJavaScript($requestOrigin) + '"')#end`,
  `#set($edge = $edge + '}')`,
];

/** PutRecords for the batch (a JSON array of events) into `streamName`; partition key sessionId, else deviceId. */
export const putRecordsTemplate = (streamName: string) =>
  [
    ...receivedAt,
    ...edge,
    `{"StreamName":"${streamName}","Records":[`,
    `#foreach($event in $input.path('$'))`,
    `#set($json = $input.json("$[$foreach.index]"))`,
    '#set($key = "$!event.sessionId")',
    '#if($key == "")#set($key = "$!event.deviceId")#end',
    `{"PartitionKey":"$util.escapeJavaScript($key)","Data":"$util.base64Encode("$edge,$json.substring(1)")"}#if($foreach.hasNext),#end`,
    '#end',
    ']}',
  ].join('\n');

/** Kinesis answered 200: accepted and refused entries by index; 207 when some were refused, 429 when all were throttled. */
export const acceptedTemplate = [
  ...corsOrigin,
  `#set($out = $input.path('$'))`,
  '#set($total = $out.Records.size())',
  '#set($failed = $out.FailedRecordCount)',
  '#set($throttled = 0)',
  '#set($separator = "")',
  `{"accepted":#set($accepted = $total - $failed)$accepted,"refused":[`,
  '#foreach($record in $out.Records)',
  '#if("$!record.ErrorCode" != "")',
  '#set($retryable = $record.ErrorCode == "ProvisionedThroughputExceededException" || $record.ErrorCode == "InternalFailure")',
  '#if($record.ErrorCode == "ProvisionedThroughputExceededException")#set($throttled = $throttled + 1)#end',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: VTL's ${…} reference (velocityjs cannot parse $separator{…}).
  '${separator}{"index":$foreach.index,"error":"$record.ErrorCode","retryable":$retryable}#set($separator = ",")',
  '#end',
  '#end',
  ']}',
  '#if($failed > 0 && $failed < $total)#set($context.responseOverride.status = 207)#end',
  '#if($failed > 0 && $throttled == $total)',
  '#set($context.responseOverride.status = 429)',
  '#set($context.responseOverride.header.Retry-After = "1")',
  '#end',
].join('\n');

/** Kinesis refused the request (4XX): a throttle is a 429 to retry later; anything else names Kinesis's reason. */
export const refusedTemplate = [
  ...corsOrigin,
  `#set($error = $input.path('$'))`,
  '#if($error.__type == "ProvisionedThroughputExceededException")',
  '#set($context.responseOverride.status = 429)',
  '#set($context.responseOverride.header.Retry-After = "1")',
  '#end',
  `{"message":"$util.escapeJavaScript($error.message).replaceAll("\\\\'", "'")"}`,
].join('\n');

/** Kinesis failed (5XX): 503 with Retry-After (a static header mapping). */
export const unavailableTemplate = [
  ...corsOrigin,
  '{"message":"the event stream is unavailable; retry later"}',
].join('\n');
