-- wrk script for the registration-surge mix (scripts/load.sh). Each request is one teacher's
-- action, by share: dashboard 30, application step pages 20, essay autosave 25, profile 8,
-- sign-in 5, clinic registration 5 (form 2, POST 3), document upload 5, submit 2.
-- The teachers (session cookie, draft application id, clinic id) come from the file given
-- after `--`; a second argument (a kind's name below) sends that kind of request alone, or
-- with a minus before it ("-signin") the mix without that kind, the others in proportion. Responses 2xx/3xx are successes; the rest are counted by status class.
local teachers
local pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
local boundary = "----penggerakload"
local steps = {"profil", "cv", "esai", "dokumen", "persetujuan", "tinjau"}
local essay = string.rep("Murid belajar dengan bertanya, mencoba dan merefleksikan hasilnya. ", 4)
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  teachers = dofile(args[1])
  only = args[2] -- one kind of request alone (load.sh's cost per request), or the whole mix
  c4, c5, last4 = 0, 0, 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end

local function form(t)
  local parts = {}
  for k, v in pairs(t) do
    table.insert(parts, k .. "=" .. v:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
  end
  return table.concat(parts, "&")
end

-- The kinds of request, each with its share of the mix (percent) and how it is built.
local kinds = {
  {"dashboard", 30, function(t, h) return wrk.format("GET", "/dasbor", h) end},
  {"step", 20, function(t, h) return wrk.format("GET", "/lamaran/" .. t.a .. "/" .. steps[math.random(#steps)], h) end},
  {"autosave", 25, function(t, h)
    h["Content-Type"] = "application/x-www-form-urlencoded"
    h["HX-Request"] = "true"
    local f = {}
    for _, q in ipairs(t.q) do f["essay_" .. q] = essay end
    return wrk.format("POST", "/lamaran/" .. t.a .. "/esai/draf", h, form(f))
  end},
  {"profile", 8, function(t, h) return wrk.format("GET", "/profil", h) end},
  {"signin", 5, function(t, h)
    local s = {["Content-Type"] = "application/x-www-form-urlencoded", ["Sec-Fetch-Site"] = "same-origin"}
    return wrk.format("POST", "/masuk", s, form({email = t.e, password = "penggerak-demo"}))
  end},
  {"clinic-form", 2, function(t, h) return wrk.format("GET", "/klinik/" .. t.k .. "/daftar", h) end},
  {"clinic-post", 3, function(t, h)
    h["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", "/klinik/" .. t.k .. "/daftar", h, form({name = t.n, email = t.e, phone = "081234567890", npsn = t.s, school_name = t.sn, jenjang = t.j}))
  end},
  {"upload", 5, function(t, h)
    h["Content-Type"] = "multipart/form-data; boundary=" .. boundary
    local body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"ktp.pdf\"\r\nContent-Type: application/pdf\r\n\r\n" ..
      pdf .. "\r\n--" .. boundary .. "--\r\n"
    return wrk.format("POST", "/lamaran/" .. t.a .. "/dokumen/" .. t.d, h, body)
  end},
  {"submit", 2, function(t, h) return wrk.format("POST", "/lamaran/" .. t.a .. "/kirim", h, "") end},
}

function request()
  local t = teachers[math.random(#teachers)]
  local h = {["Cookie"] = "penggerak_session=" .. t.c, ["Accept-Encoding"] = "gzip", ["Sec-Fetch-Site"] = "same-origin"}
  local without
  if only and only:sub(1, 1) == "-" then without = only:sub(2) -- the mix without that kind
  elseif only then
    for _, k in ipairs(kinds) do
      if k[1] == only then return k[3](t, h) end
    end
    error("no request kind " .. only)
  end
  local total = 0
  for _, k in ipairs(kinds) do
    if k[1] ~= without then total = total + k[2] end
  end
  local p, acc = math.random(total), 0
  for _, k in ipairs(kinds) do
    if k[1] ~= without then
      acc = acc + k[2]
      if p <= acc then return k[3](t, h) end
    end
  end
end

function response(status, headers, body)
  if status >= 500 then c5 = c5 + 1
  elseif status >= 400 then c4 = c4 + 1; last4 = status end
end

function done(summary, latency, requests)
  local n4, n5, l4 = 0, 0, 0
  for _, th in ipairs(threads) do
    n4, n5 = n4 + th:get("c4"), n5 + th:get("c5")
    if th:get("last4") ~= 0 then l4 = th:get("last4") end
  end
  io.write(string.format("RESULT requests=%d rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f status4xx=%d status5xx=%d timeouts=%d socket_errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, n4, n5, summary.errors.timeout, summary.errors.connect + summary.errors.read + summary.errors.write))
end
