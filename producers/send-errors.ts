/** Error names and codes worth another attempt: throttling, transient service faults, dropped connections. */
const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
  'KMSThrottlingException',
  'ThrottlingException',
  'InternalFailure',
  'InternalFailureException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
]);

export interface SendFailure {
  readonly code: string;
  readonly message: string;
  readonly retryable: boolean;
}

/** Classifies an error thrown by a whole PutRecords call (SDK service error or network error). */
export const describeSendError = (error: unknown): SendFailure => {
  if (!(error instanceof Error)) return { code: 'Unknown', message: String(error), retryable: false };
  const { code, $retryable, $metadata } = error as Error & {
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = $metadata?.httpStatusCode;
  const name = typeof code === 'string' && code ? code : error.name;
  const retryable =
    RETRYABLE.has(name) ||
    RETRYABLE.has(error.name) ||
    $retryable !== undefined ||
    (status !== undefined && (status === 429 || status >= 500));
  return { code: name, message: error.message, retryable };
};
