// fabric-shim reads its log level once, when first loaded: import this module before the peer.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
export {};
