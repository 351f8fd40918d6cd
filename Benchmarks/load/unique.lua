-- wrk script: POSTs real cases from $CASES to $TARGET_PATH, each with a case id of its own
-- ($PREFIX, the thread's number and a counter), so that the decision log can be checked for every
-- decision recorded once. Counts 200 answers, the others, and the policy digests seen.
local cases = {}
local index = 0
local counter = 0
local prefix = ""
ok = 0
failed = 0
seen = ""
local known = {}

local threads = {}
local next_thread = 0
setup = function(thread)
  next_thread = next_thread + 1
  thread:set("thread_number", next_thread)
  table.insert(threads, thread)
end

init = function(args)
  prefix = (os.getenv("PREFIX") or "w") .. tostring(thread_number) .. "-"
  for line in io.lines(os.getenv("CASES")) do
    local s, e = string.find(line, '"id":"[^"]*"')
    if s then cases[#cases + 1] = {string.sub(line, 1, s - 1) .. '"id":"', '"' .. string.sub(line, e + 1)} end
  end
  index = math.random(#cases) - 1
end

local headers = {["Content-Type"] = "application/json"}
request = function()
  index = index % #cases + 1
  counter = counter + 1
  local c = cases[index]
  return wrk.format("POST", os.getenv("TARGET_PATH"), headers, c[1] .. prefix .. counter .. c[2])
end

response = function(status, headers, body)
  if status == 200 then ok = ok + 1 else failed = failed + 1 end
  local digest = headers["Verdict-Policy-Digest"] or "none"
  if not known[digest] then
    known[digest] = true
    seen = seen .. digest .. " "
  end
end

done = function(summary, latency, requests)
  local total_ok, total_failed = 0, 0
  local all = {}
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_failed = total_failed + t:get("failed")
    for d in string.gmatch(t:get("seen"), "%S+") do all[d] = true end
  end
  io.write("TRACK ok=" .. total_ok .. " failed=" .. total_failed .. " digests=")
  for d, _ in pairs(all) do io.write(d .. " ") end
  io.write("\n")
end
