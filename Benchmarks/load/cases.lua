-- wrk script: POSTs real cases, one JSON line each from $CASES, round-robin, to $TARGET_PATH.
-- Counts non-200 answers and the policy digests seen (Verdict-Policy-Digest), for the reload run.
local cases = {}
local index = 0
failed = 0
seen = ""
local known = {}

init = function(args)
  local path = os.getenv("TARGET_PATH") or "/bare"
  local headers = {["Content-Type"] = "application/json"}
  for line in io.lines(os.getenv("CASES")) do
    cases[#cases + 1] = wrk.format("POST", path, headers, line)
  end
  -- Each thread starts at a different place in the file.
  index = math.random(#cases) - 1
end

request = function()
  index = index % #cases + 1
  return cases[index]
end

if os.getenv("TRACK") == "1" then
  response = function(status, headers, body)
    if status ~= 200 then failed = failed + 1 end
    local digest = headers["Verdict-Policy-Digest"] or "none"
    if not known[digest] then
      known[digest] = true
      seen = seen .. digest .. " "
    end
  end
end

local threads = {}
setup = function(thread) table.insert(threads, thread) end

done = function(summary, latency, requests)
  if os.getenv("TRACK") ~= "1" then return end
  local total_failed = 0
  local all = {}
  for _, t in ipairs(threads) do
    total_failed = total_failed + t:get("failed")
    for d in string.gmatch(t:get("seen"), "%S+") do all[d] = true end
  end
  io.write("TRACK failed=" .. total_failed .. " digests=")
  for d, _ in pairs(all) do io.write(d .. " ") end
  io.write("\n")
end
