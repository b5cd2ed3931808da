// The part of autocannon's API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  interface Histogram { average: number; p50: number; p90: number; p99: number; max: number; mean: number }
  interface Request { method?: string; path?: string; headers?: Record<string, string>; body?: Buffer | string; setupRequest?: (request: Request) => Request }
  interface Options { url: string; connections?: number; pipelining?: number; duration?: number; amount?: number; workers?: number; requests?: Request[]; method?: string; headers?: Record<string, string> }
  interface Result { requests: Histogram & { total: number; sent: number }; latency: Histogram; throughput: Histogram; errors: number; timeouts: number; non2xx: number; duration: number; statusCodeStats?: Record<string, { count: number }>; '2xx': number }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
