// Fabric's loggers read their level when first loaded; import this module before them in tests.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
export {};
