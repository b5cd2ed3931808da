// fabric-shim reads its log level when first loaded; import this module before anything loads it.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
export {};
