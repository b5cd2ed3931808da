/** @speedledger/network: the embedded multi-organisation network (work in progress, issue 5). */
export {};
