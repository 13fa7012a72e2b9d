-- A mixed Lua workload for tandem's benchmarks: calls, tables, floats,
-- strings and the garbage collector, each result printed so that runs in
-- different engines can be compared. N scales it.
local N = N or 1

local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

-- Binary trees: allocation and collection.
local function tree(depth)
  if depth == 0 then return {} end
  depth = depth - 1
  return { tree(depth), tree(depth) }
end

local function check(t)
  if t[1] then return 1 + check(t[1]) + check(t[2]) end
  return 1
end

local function trees(max)
  local long = tree(max)
  local total = 0
  for depth = 4, max, 2 do
    local iterations = 1 << (max - depth + 4)
    for _ = 1, iterations do total = total + check(tree(depth)) end
  end
  return total + check(long)
end

-- N-body: floating point through table fields.
local function nbody(steps)
  local pi, days = math.pi, 365.24
  local solar = 4 * pi * pi
  local bodies = {
    { x = 0, y = 0, z = 0, vx = 0, vy = 0, vz = 0, m = solar },
    { x = 4.84143144246472090e+00, y = -1.16032004402742839e+00, z = -1.03622044471123109e-01,
      vx = 1.66007664274403694e-03 * days, vy = 7.69901118419740425e-03 * days,
      vz = -6.90460016972063023e-05 * days, m = 9.54791938424326609e-04 * solar },
    { x = 8.34336671824457987e+00, y = 4.12479856412430479e+00, z = -4.03523417114321381e-01,
      vx = -2.76742510726862411e-03 * days, vy = 4.99852801234917238e-03 * days,
      vz = 2.30417297573763929e-05 * days, m = 2.85885980666130812e-04 * solar },
    { x = 1.28943695621391310e+01, y = -1.51111514016986312e+01, z = -2.23307578892655734e-01,
      vx = 2.96460137564761618e-03 * days, vy = 2.37847173959480950e-03 * days,
      vz = -2.96589568540237556e-05 * days, m = 4.36624404335156298e-05 * solar },
    { x = 1.53796971148509165e+01, y = -2.59193146099879641e+01, z = 1.79258772950371181e-01,
      vx = 2.68067772490389322e-03 * days, vy = 1.62824170038242295e-03 * days,
      vz = -9.51592254519715870e-05 * days, m = 5.15138902046611451e-05 * solar },
  }
  local n = #bodies
  for _ = 1, steps do
    for i = 1, n do
      local bi = bodies[i]
      for j = i + 1, n do
        local bj = bodies[j]
        local dx, dy, dz = bi.x - bj.x, bi.y - bj.y, bi.z - bj.z
        local d2 = dx * dx + dy * dy + dz * dz
        local mag = 0.01 / (d2 * math.sqrt(d2))
        bi.vx, bi.vy, bi.vz = bi.vx - dx * bj.m * mag, bi.vy - dy * bj.m * mag, bi.vz - dz * bj.m * mag
        bj.vx, bj.vy, bj.vz = bj.vx + dx * bi.m * mag, bj.vy + dy * bi.m * mag, bj.vz + dz * bi.m * mag
      end
    end
    for i = 1, n do
      local b = bodies[i]
      b.x, b.y, b.z = b.x + 0.01 * b.vx, b.y + 0.01 * b.vy, b.z + 0.01 * b.vz
    end
  end
  local e = 0
  for i = 1, n do
    local b = bodies[i]
    e = e + 0.5 * b.m * (b.vx * b.vx + b.vy * b.vy + b.vz * b.vz)
    for j = i + 1, n do
      local c = bodies[j]
      local dx, dy, dz = b.x - c.x, b.y - c.y, b.z - c.z
      e = e - b.m * c.m / math.sqrt(dx * dx + dy * dy + dz * dz)
    end
  end
  return string.format("%.9f", e)
end

-- Strings: formatting, patterns, concatenation, sorting.
local function strings(count)
  local words = {}
  for i = 1, count do
    words[i] = string.format("w%05d-%x", (i * 7919) % count, i)
  end
  table.sort(words)
  local text = table.concat(words, " ")
  local digits = 0
  for d in text:gmatch("%d+") do digits = digits + #d end
  local upper = text:gsub("w(%d)", "W%1"):sub(1, 40)
  return #text, digits, upper
end

-- A sieve: array tables and integer loops.
local function sieve(limit)
  local composite, count = {}, 0
  for i = 2, limit do
    if not composite[i] then
      count = count + 1
      for j = i * i, limit, i do composite[j] = true end
    end
  end
  return count
end

for round = 1, N do
  print("round", round)
  print("fib", fib(27))
  print("trees", trees(14))
  print("nbody", nbody(200000))
  print("strings", strings(100000))
  print("sieve", sieve(2000000))
end
