-- Replays pre-built requests (one per line: METHOD<TAB>PATH<TAB>JWT<TAB>BODY) round-robin.
local requests = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local method, path, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {["Authorization"] = "JWT " .. token, ["Content-Type"] = "application/json"}
    if body == "" then body = nil end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  counter = math.random(#requests)
end

function request()
  counter = counter % #requests + 1
  return requests[counter]
end
