-- wrk script of the benchmarks: stop after a fixed number of answers, then print the figures as one JSON line.
--
-- WRK_REQUESTS is how many answers the (single) wrk thread waits for; wrk's own -d is only an upper bound. wrk's
-- main thread sleeps for -d whatever its threads do, but a SIGINT wakes it to print the summary at once: the
-- thread that reaches the quota stops and sends one (through LuaJIT's FFI), so the duration is the run's own.
-- WRK_METHOD and WRK_BODY make every request a POST of the same JSON body (the login case).

local ffi = require("ffi")
ffi.cdef([[
int kill(int pid, int sig);
int getpid(void);
]])
local SIGINT = 2

local quota = tonumber(os.getenv("WRK_REQUESTS") or "1000")
local answered = 0
local unexpected = 0

local method = os.getenv("WRK_METHOD")
local body = os.getenv("WRK_BODY")
if method then
  wrk.method = method
end
if body then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function response(status, headers, body)
  answered = answered + 1
  if status ~= 200 then
    unexpected = unexpected + 1
  end
  if answered >= quota then
    wrk.thread:stop()
    ffi.C.kill(ffi.C.getpid(), SIGINT)
  end
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "mean_us": %.1f, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout
  ))
end
