-- :checkhealth superhelfer — the binary, the server, the backends, the GPU and shellcheck.
local M = {}

local h = vim.health or require('health')
local start = h.start or h.report_start
local ok = h.ok or h.report_ok
local warn = h.warn or h.report_warn
local error = h.error or h.report_error
local info = h.info or h.report_info

-- Runs argv; returns exit code and stdout, or nil when it did not finish in time.
local function run(argv, timeout_ms)
  local out = {}
  local job = vim.fn.jobstart(argv, {
    stdout_buffered = true,
    on_stdout = function(_, data)
      out = data or {}
    end,
  })
  if job <= 0 then
    return nil, ''
  end
  local code = vim.fn.jobwait({ job }, timeout_ms)[1]
  if code == -1 then
    vim.fn.jobstop(job)
    return nil, ''
  end
  -- on_stdout may still be queued after the job's exit.
  vim.wait(200, function()
    return #out > 0
  end, 10)
  return code, table.concat(out, '\n')
end

local function gb(bytes)
  return string.format('%.1f GB', (tonumber(bytes) or 0) / 1e9)
end

local function present(v)
  return v ~= nil and v ~= vim.NIL
end

-- "1 model", "2 models".
local function count(n, noun)
  return string.format('%d %s%s', n, noun, n == 1 and '' or 's')
end

-- "tier fast", "tiers code, heavy".
local function tiers_named(tiers)
  return (#tiers == 1 and 'tier ' or 'tiers ') .. table.concat(tiers, ', ')
end

-- The tiers of each backend, by backend name.
local function tiers_by_backend(status)
  local by = {}
  for _, t in ipairs(status.tiers or {}) do
    if present(t.backend) then
      by[t.backend] = by[t.backend] or {}
      table.insert(by[t.backend], tostring(t.tier))
    end
  end
  return by
end

-- Only the backends a tier uses are checked (the server asks no other): one no tier
-- names is information, however it would answer.
local function report_backends(status, by_backend)
  local reachable = {}
  for _, b in ipairs(status.backends or {}) do
    local where = string.format('%s (%s, %s)', b.name or '?', b.kind or '?', b.url or '?')
    local tiers = by_backend[b.name]
    if not tiers then
      info(where .. ': not used by any tier')
    elseif b.reachable == true then
      reachable[b.name] = true
      ok(string.format('%s: reachable, %s installed; %s', where, count(#(b.installed or {}), 'model'), tiers_named(tiers)))
    else
      local why = present(b.error) and tostring(b.error) or 'not reachable'
      -- The server's error carries its own hint (start it); the advice names the setting.
      error(string.format('%s: not reachable, so %s cannot answer: %s', where, tiers_named(tiers), why), {
        'backends.' .. (b.name or '') .. '.url says where superhelfer looks for it',
      })
    end
  end
  return reachable
end

local function report_tiers(status, reachable)
  local known = {}
  for _, b in ipairs(status.backends or {}) do
    known[b.name] = true
  end
  for _, t in ipairs(status.tiers or {}) do
    local line = string.format('tier %s: %s on %s', t.tier or '?', t.model or '?', t.backend or '?')
    if not known[t.backend] then
      error(line .. ': no such backend', { 'Add backends.' .. tostring(t.backend) .. ' or set tiers.' .. tostring(t.tier) .. '.backend' })
    elseif not reachable[t.backend] then
      error(line .. ': its backend is not reachable')
    elseif t.installed == false then
      warn(line .. ': not installed', { 'ollama pull ' .. (t.model or '') })
    else
      ok(line)
    end
  end
end

local function report_status(status)
  start('superhelfer: backends')
  local reachable = report_backends(status, tiers_by_backend(status))
  report_tiers(status, reachable)

  start('superhelfer: GPU (VRAM guard)')
  local gpu = status.gpu or {}
  if gpu.state == 'found' then
    if #(gpu.gpus or {}) == 0 then
      warn('NVML answered but reported no GPU')
    end
    for _, g in ipairs(gpu.gpus or {}) do
      ok(string.format('GPU %s: %s, %s of %s free', tostring(g.index), g.name or '?', gb(g.free_bytes), gb(g.total_bytes)))
    end
    if gpu.driver_version and gpu.driver_version ~= vim.NIL then
      info('driver ' .. gpu.driver_version)
    end
  elseif gpu.state == 'disabled' then
    info('the VRAM guard is off (vram.enabled = false)')
  else
    warn('no GPU: ' .. tostring(gpu.reason or gpu.state), {
      'Without NVML the VRAM guard cannot ask before a big model loads; set vram.nvml_lib in your config.toml to its absolute path, e.g. /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1',
    })
  end
end

function M.check()
  local sh = require('superhelfer')
  local cfg = sh.config
  start('superhelfer: binary')
  local exe = cfg.cmd and cfg.cmd[1] or 'superhelfer'
  local path = vim.fn.exepath(exe)
  if path == '' then
    error('`' .. exe .. '` not found', { 'cargo install --path . (in the superhelfer repository)', 'or setup({ cmd = { "/path/to/superhelfer", "lsp" } })' })
  else
    local code, out = run({ path, '--version' }, 5000)
    if code == 0 then
      ok(path .. ': ' .. vim.trim(out))
    else
      warn(path .. ' found, but `--version` failed')
    end
  end
  if vim.fn.has('nvim-0.8') ~= 1 then
    info('Neovim before 0.8: the server is started with vim.lsp.start_client')
  end

  start('superhelfer: language server')
  local status, err
  local clients = sh.all_clients()
  if #clients > 0 then
    ok(string.format('running (client %d), attached to %d buffer(s)', clients[1].id, vim.tbl_count(clients[1].attached_buffers or {})))
    status, err = sh.status(nil, 15000, nil)
    if err then
      warn('superhelfer.status failed: ' .. tostring(err.message))
    end
  else
    info('not running in this session; filetypes: ' .. table.concat(cfg.filetypes or {}, ', '))
  end
  if not status and path ~= '' then
    -- Without a running server: the CLI, with the configuration file (not init_options).
    local code, out = run({ path, 'status', '--json' }, 20000)
    -- 1: a backend a tier uses is down; the report is printed all the same.
    if code == 0 or code == 1 then
      local okj, decoded = pcall(vim.fn.json_decode, out)
      if okj and type(decoded) == 'table' then
        status = decoded
        info('status from `superhelfer status --json` (the configuration file; setup() init_options apply only to the server)')
      end
    end
    if not status then
      error('`superhelfer status --json` failed' .. (code == nil and ' (timed out)' or ''))
    end
  end
  if status then
    report_status(status)
  end

  start('superhelfer: shellcheck')
  local sc = vim.fn.exepath('shellcheck')
  if sc == '' then
    warn('shellcheck not found: no diagnostics of superhelfer\'s own for shell scripts', { 'apt-get install shellcheck' })
  else
    local code, out = run({ sc, '--version' }, 5000)
    local version = code == 0 and out:match('version:%s*(%S+)') or nil
    ok(sc .. (version and (' ' .. version) or ''))
  end
end

return M
