// Loaded by path (DataConverter.failureConverterPath): the worker bundles it into the workflow
// sandbox and the SDK require()s it, so it is plain CommonJS with no other imports.
// Error messages and stack traces move into an encoded payload, which the payload codec then
// encrypts, so a failure in a workflow history carries no readable personal data.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
