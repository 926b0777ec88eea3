-- superhelfer for Neovim: starts `superhelfer lsp` next to the user's other servers, maps
-- keys for its three code actions, shows explanations in a floating Markdown window,
-- progress in the message area, and asks the server's questions (VRAM guard, dangerous
-- command) through `vim.ui.select`.
--
-- Works with `vim.lsp.config`/`vim.lsp.enable` on 0.11+, `vim.lsp.start` on 0.8–0.10 and
-- `vim.lsp.start_client` on 0.7.

local M = {}

--- The server's command names (src/lsp/actions.rs).
M.commands = {
  generate = 'superhelfer.generateCommand',
  fix = 'superhelfer.fixError',
  explain = 'superhelfer.explain',
  ask = 'superhelfer.ask',
  status = 'superhelfer.status',
}

local TITLES = {
  generate = 'Generate shell command',
  fix = 'Fix error',
  explain = 'Explain selection',
}

--- What the server is asked when an action is not on offer, said to the user.
local NOT_HERE = {
  generate = 'no shell command to generate here: put the cursor on a comment that says what the command should do',
  fix = 'no diagnostic on this line to fix',
  explain = 'nothing selected to explain',
}

M.defaults = {
  cmd = { 'superhelfer', 'lsp' },
  filetypes = { 'sh', 'bash', 'zsh', 'dockerfile', 'make', 'markdown' },
  -- Sent as initializationOptions: the same schema as config.toml (backends, tiers, vram, ...).
  init_options = {},
  -- Buffer-local maps set when the server attaches; `keys = false` sets none, a key set to
  -- false is left out.
  keys = {
    generate = '<leader>sg',
    fix = '<leader>sf',
    explain = '<leader>se',
  },
  -- Progress of model work in the message area; the end (model, time) as a notification.
  progress = true,
  float = {
    border = 'rounded',
    max_width = 100,
    max_height = 30,
    -- Move the cursor into the window, so it can be scrolled; `q` closes it.
    enter = true,
  },
  -- Start the server for `filetypes` (false: only when the user starts it).
  autostart = true,
  -- Ghost text on the fresh line after a request comment (textDocument/inlineCompletion);
  -- `accept` inserts it in Insert mode (false: no key). See lua/superhelfer/ghost.lua.
  ghost = { enabled = true, accept = '<M-l>' },
}

M.config = vim.deepcopy(M.defaults)

local has = function(v)
  return vim.fn.has('nvim-' .. v) == 1
end

-- Per-session state: pending requests (for cancel), progress titles, the explanation float.
local state = {
  pending = {}, -- request id -> { client_id, action }
  progress = {}, -- token key -> { client_id, token, title }
  explaining = 0,
  quiet = 0,
  float = nil,
}

------------------------------------------------------------------------------------------
-- Small compatibility helpers (0.7 .. 0.11+).
------------------------------------------------------------------------------------------

local islist = vim.islist or vim.tbl_islist

-- Lists are replaced, maps merged: `filetypes = { 'sh' }` means only sh.
local function merge(base, over)
  if type(base) ~= 'table' or type(over) ~= 'table' then
    return over
  end
  if (islist(over) and next(over) ~= nil) or (islist(base) and next(base) ~= nil) then
    return over
  end
  local out = vim.deepcopy(base)
  for k, v in pairs(over) do
    out[k] = merge(out[k], v)
  end
  return out
end

local function call(client, method, ...)
  if has('0.11') then
    return client[method](client, ...)
  end
  return client[method](...)
end

--- Whether the user has a notification UI (nvim-notify, noice, …) in place of Neovim's own
--- `vim.notify`, which echoes into the message area.
local function notify_ui()
  local info = debug.getinfo(vim.notify, 'S')
  return not (info and info.source and info.source:match('vim/_editor%.lua$'))
end

--- One line in the message area, cut to fit: several messages in a row (a notice, then
--- progress) never add up to a `Press ENTER` prompt. `history` keeps it in `:messages`.
local function status(msg, hl, history)
  if notify_ui() then
    return vim.notify(tostring(msg), hl == 'WarningMsg' and vim.log.levels.WARN or vim.log.levels.INFO)
  end
  local line = tostring(msg):gsub('%s*\n%s*', ' · ')
  local width = math.max(10, (vim.v.echospace or vim.o.columns - 12) - 1)
  if vim.fn.strdisplaywidth(line) > width then
    line = vim.fn.strcharpart(line, 0, width - 1) .. '…'
  end
  pcall(vim.cmd, 'redraw')
  vim.api.nvim_echo({ { line, hl or 'None' } }, history or false, {})
end

--- The last error shown and when: the server reports a failure itself (showMessage) and
--- the request then fails with the same text; the user reads it once.
local last_error = { text = nil, at = 0 }

local function notify(msg, level)
  level = level or vim.log.levels.INFO
  local text = tostring(msg)
  if not text:match('^superhelfer:') then
    text = 'superhelfer: ' .. text
  end
  if level >= vim.log.levels.ERROR then
    local now = vim.uv and vim.uv.now() or vim.loop.now()
    local core = text:gsub('^superhelfer:%s*', '')
    if last_error.text and (last_error.text:find(core, 1, true) or core:find(last_error.text, 1, true))
        and now - last_error.at < 5000 then
      return
    end
    last_error.text, last_error.at = core, now
    return vim.notify(text, level)
  end
  status(text, level >= vim.log.levels.WARN and 'WarningMsg' or nil, level >= vim.log.levels.WARN)
end

--- The superhelfer clients attached to a buffer.
function M.clients(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ bufnr = bufnr, name = 'superhelfer' })
  end
  local out = {}
  for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
    if c.name == 'superhelfer' then
      table.insert(out, c)
    end
  end
  return out
end

--- Every running superhelfer client.
function M.all_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients({ name = 'superhelfer' })
  end
  return vim.tbl_filter(function(c)
    return c.name == 'superhelfer'
  end, vim.lsp.get_active_clients())
end

local function client_by_id(id)
  return vim.lsp.get_client_by_id(id)
end

-- A byte column of `line` as a character offset in the negotiated position encoding.
local function to_enc(line, byte, enc)
  byte = math.max(0, math.min(byte, #line))
  if enc == 'utf-8' then
    return byte
  end
  local n = 0
  for ch in line:sub(1, byte):gmatch('[%z\1-\127\194-\244][\128-\191]*') do
    if enc == 'utf-32' then
      n = n + 1
    else
      n = n + (#ch == 4 and 2 or 1)
    end
  end
  return n
end

local function get_line(bufnr, row)
  return vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
end

local function position(bufnr, row, byte, enc)
  return { line = row, character = to_enc(get_line(bufnr, row), byte, enc) }
end

------------------------------------------------------------------------------------------
-- Display: the explanation float and progress.
------------------------------------------------------------------------------------------

local function display_width(s)
  return vim.fn.strdisplaywidth(s)
end

--- Shows Markdown in a floating window; returns its buffer and window.
function M.show_markdown(markdown, opts)
  opts = merge(M.config.float, opts or {})
  if state.float and vim.api.nvim_win_is_valid(state.float) then
    pcall(vim.api.nvim_win_close, state.float, true)
  end
  local lines = vim.split(markdown or '', '\n', { plain = true })
  while #lines > 1 and lines[#lines]:match('^%s*$') do
    table.remove(lines)
  end
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].filetype = 'markdown'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].modifiable = false

  local columns, rows = vim.o.columns, vim.o.lines
  local width = 20
  for _, l in ipairs(lines) do
    width = math.max(width, display_width(l))
  end
  width = math.min(width, opts.max_width, math.max(20, columns - 4))
  local height = 0
  for _, l in ipairs(lines) do
    height = height + math.max(1, math.ceil(display_width(l) / width))
  end
  height = math.max(1, math.min(height, opts.max_height, math.max(1, rows - 4)))
  local win_opts = {
    relative = 'editor',
    row = math.max(0, math.floor((rows - height) / 2) - 1),
    col = math.max(0, math.floor((columns - width) / 2)),
    width = width,
    height = height,
    style = 'minimal',
    border = opts.border,
  }
  if has('0.9') then
    win_opts.title = ' superhelfer '
    win_opts.title_pos = 'center'
  end
  local win = vim.api.nvim_open_win(buf, opts.enter ~= false, win_opts)
  vim.wo[win].wrap = true
  vim.wo[win].linebreak = true
  vim.wo[win].conceallevel = 2
  for _, lhs in ipairs({ 'q', '<Esc>' }) do
    vim.keymap.set('n', lhs, function()
      pcall(vim.api.nvim_win_close, win, true)
    end, { buffer = buf, nowait = true, desc = 'Close the explanation' })
  end
  state.float = win
  return buf, win
end

local function echo(msg)
  status(msg)
end

local function on_progress(result, client_id)
  local v = result.value
  if type(v) ~= 'table' then
    return
  end
  local key = tostring(result.token)
  if v.kind == 'begin' then
    state.progress[key] = { client_id = client_id, token = result.token, title = v.title or 'superhelfer' }
    if M.config.progress then
      echo(string.format('%s: %s', v.title or 'superhelfer', v.message or '…'))
    end
  elseif v.kind == 'report' then
    local p = state.progress[key]
    if M.config.progress and p then
      echo(string.format('%s: %s', p.title, v.message or '…'))
    end
  elseif v.kind == 'end' then
    local p = state.progress[key]
    state.progress[key] = nil
    if M.config.progress then
      local title = p and p.title or 'superhelfer'
      status(string.format('%s: %s', title, v.message or 'done'), nil, true)
    end
  end
end

------------------------------------------------------------------------------------------
-- Handlers for the server's requests and notifications.
------------------------------------------------------------------------------------------

--- `window/showMessageRequest` through `vim.ui.select` (the VRAM question, the
--- confirmation of a dangerous command). Dismissed counts as no choice (Cancel).
local function show_message_request(_, params, _ctx)
  local actions = params and params.actions or {}
  if #actions == 0 then
    vim.notify(params.message or '', vim.log.levels.INFO)
    return vim.NIL
  end
  local opts = {
    prompt = params.message,
    kind = 'superhelfer',
    format_item = function(a)
      return a.title
    end,
  }
  local co, is_main = coroutine.running()
  if co and not is_main then
    -- 0.10+: server requests run in a coroutine, so the answer can wait for the user.
    vim.ui.select(actions, opts, function(choice)
      vim.schedule(function()
        coroutine.resume(co, choice or vim.NIL)
      end)
    end)
    return coroutine.yield()
  end
  -- Older versions answer synchronously: wait for the choice, processing events.
  local done, answer = false, vim.NIL
  vim.ui.select(actions, opts, function(choice)
    answer = choice or vim.NIL
    done = true
  end)
  vim.wait(10 * 60 * 1000, function()
    return done
  end, 20)
  return answer
end

local function explanation_path(uri)
  if type(uri) ~= 'string' or not uri:match('^file:') then
    return nil
  end
  local path = vim.uri_to_fname(uri)
  if path:match('[/\\]superhelfer[/\\]explanations[/\\][^/\\]+%.md$') then
    return path
  end
end

--- `window/showDocument`: explanations (Markdown files the server writes) open in the
--- float; anything else as Neovim does it.
local function show_document(err, params, ctx, config)
  local path = params and not params.external and explanation_path(params.uri)
  if path then
    local ok, lines = pcall(vim.fn.readfile, path)
    if ok then
      M.show_markdown(table.concat(lines, '\n'))
      return { success = true }
    end
  end
  local default = vim.lsp.handlers['window/showDocument']
  if default then
    return default(err, params, ctx, config)
  end
  return { success = false }
end

--- `window/showMessage`: while an explanation is on its way, its text (an Info message
--- the server sends for short answers) goes to the float instead; the server's own
--- notices ("superhelfer: ...") still show.
local function show_message(err, params, ctx, config)
  if params and (params.type == 3 or params.type == 4) then
    local own = (params.message or ''):match('^superhelfer:') ~= nil
    if state.quiet > 0 or (state.explaining > 0 and not own) then
      return vim.NIL
    end
  end
  if params and params.message then
    -- LSP MessageType 1 error, 2 warning, 3 info; 4 (log) is for the log, not the screen.
    local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO }
    if levels[params.type] then
      -- Why an explicit ghost-text request offers nothing: on its line too.
      if params.type == 2 then
        require('superhelfer.ghost').note(params.message)
      end
      notify(params.message, levels[params.type])
    end
    return vim.NIL
  end
  return vim.lsp.handlers['window/showMessage'](err, params, ctx, config)
end

local function progress_handler(err, result, ctx, config)
  local default = vim.lsp.handlers['$/progress']
  local ret = default and default(err, result, ctx, config) or vim.NIL
  if result then
    pcall(on_progress, result, ctx and ctx.client_id)
  end
  return ret
end

--- The client-side handlers superhelfer needs.
function M.handlers()
  return {
    ['window/showMessageRequest'] = show_message_request,
    ['window/showDocument'] = show_document,
    ['window/showMessage'] = show_message,
    ['$/progress'] = progress_handler,
  }
end

------------------------------------------------------------------------------------------
-- Actions.
------------------------------------------------------------------------------------------

--- The last finished action, as `SuperhelferDone` reports it (0.7 has no autocmd data).
M.last_done = nil

local function fire_done(data)
  M.last_done = data
  local ok = pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'SuperhelferDone', data = data, modeline = false })
  if not ok then
    pcall(vim.api.nvim_exec_autocmds, 'User', { pattern = 'SuperhelferDone', modeline = false })
  end
end

-- The diagnostics on `first..last` (0-based rows) as LSP diagnostics in `client`'s encoding:
-- superhelfer's own as the server sent them, others converted from Neovim's.
local function diagnostics_on(bufnr, first, last, client, enc)
  local own
  if vim.lsp.diagnostic and vim.lsp.diagnostic.get_namespace then
    local ok, ns = pcall(vim.lsp.diagnostic.get_namespace, client.id)
    own = ok and ns or nil
  end
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local d_last = d.end_lnum or d.lnum
    if d.lnum <= last and d_last >= first then
      local lsp = d.user_data and d.user_data.lsp
      -- Before 0.8 user_data.lsp holds only the fields Neovim has no place for.
      if lsp and lsp.range and own and d.namespace == own then
        table.insert(out, lsp)
      else
        local end_row = d.end_lnum or d.lnum
        table.insert(out, {
          range = {
            start = position(bufnr, d.lnum, d.col or 0, enc),
            ['end'] = position(bufnr, end_row, d.end_col or d.col or 0, enc),
          },
          severity = d.severity,
          message = d.message or '',
          source = d.source,
          code = lsp and lsp.code or d.code,
        })
      end
    end
  end
  return out
end

-- The range of the last visual selection ('< and '>), end exclusive.
local function visual_range(bufnr, enc)
  local s = vim.api.nvim_buf_get_mark(bufnr, '<')
  local e = vim.api.nvim_buf_get_mark(bufnr, '>')
  local srow, scol, erow, ecol = s[1] - 1, s[2], e[1] - 1, e[2]
  if srow > erow or (srow == erow and scol > ecol) then
    srow, scol, erow, ecol = erow, ecol, srow, scol
  end
  local last = get_line(bufnr, erow)
  if vim.fn.visualmode() == 'V' then
    scol, ecol = 0, #last
  else
    -- '> is the first byte of the last character; the range ends after it.
    local ch = last:sub(ecol + 1):match('^[%z\1-\127\194-\244][\128-\191]*') or ''
    ecol = math.min(#last, ecol + math.max(#ch, 1))
  end
  return { start = position(bufnr, srow, scol, enc), ['end'] = position(bufnr, erow, ecol, enc) }
end

local function cursor_range(bufnr, enc, whole_line)
  local cur = vim.api.nvim_win_get_cursor(0)
  local row = cur[1] - 1
  if whole_line then
    return { start = { line = row, character = 0 }, ['end'] = position(bufnr, row, #get_line(bufnr, row), enc) }
  end
  local p = position(bufnr, row, cur[2], enc)
  return { start = p, ['end'] = p }
end

local function after(action, client, result, opts)
  if action == 'explain' then
    if type(result) == 'table' and result.shown_as ~= 'document' and type(result.markdown) == 'string' then
      M.show_markdown(result.markdown)
    end
  elseif action == 'generate' then
    if type(result) == 'table' and result.inserted == false then
      notify('the command was not inserted: ' .. tostring(result.command), vim.log.levels.WARN)
    elseif type(result) == 'table' and type(result.risk) == 'table' and result.risk.level == 'caution' then
      notify('caution: ' .. table.concat(result.risk.reasons or {}, '; '), vim.log.levels.WARN)
    end
  end
end

local function execute(client, command, bufnr, action, opts)
  if action == 'explain' then
    state.explaining = state.explaining + 1
  end
  local id
  local ok, rid = call(client, 'request', 'workspace/executeCommand', {
    command = command.command,
    arguments = command.arguments,
  }, function(err, result)
    if id then
      state.pending[id] = nil
    end
    if action == 'explain' then
      state.explaining = math.max(0, state.explaining - 1)
    end
    if err then
      -- The server has shown its own errors already (window/showMessage); a cancel is quiet.
      if err.code == -32800 then
        notify(TITLES[action] .. ': cancelled')
      end
    else
      local okk, e = pcall(after, action, client, result, opts)
      if not okk then
        notify(tostring(e), vim.log.levels.ERROR)
      end
    end
    local data = { action = action, ok = err == nil, result = result, error = err and err.message or nil }
    if opts.on_done then
      opts.on_done(err, result)
    end
    fire_done(data)
  end, bufnr)
  if ok and rid then
    id = rid
    state.pending[rid] = { client_id = client.id, action = action }
  elseif action == 'explain' then
    state.explaining = math.max(0, state.explaining - 1)
  end
end

--- Runs one of the actions (`generate`, `fix`, `explain`) where the cursor or selection is:
--- asks the server for its code actions there, takes the one for `action`, executes it.
--- opts: bufnr, range (LSP range), visual (use the last visual selection), on_done(err, result).
function M.run(action, opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local function fail(msg)
    notify(msg, vim.log.levels.WARN)
    if opts.on_done then
      opts.on_done({ message = msg }, nil)
    end
    fire_done({ action = action, ok = false, error = msg })
  end
  local command_name = M.commands[action]
  if not command_name or not TITLES[action] then
    return fail('unknown action ' .. tostring(action))
  end
  local client = M.clients(bufnr)[1]
  if not client then
    return fail('the language server is not attached to this buffer (:checkhealth superhelfer)')
  end
  local enc = client.offset_encoding or 'utf-16'
  local range = opts.range
  if not range then
    if opts.visual then
      range = visual_range(bufnr, enc)
    else
      range = cursor_range(bufnr, enc, action == 'explain')
    end
  end
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = range,
    context = {
      diagnostics = diagnostics_on(bufnr, range.start.line, range['end'].line, client, enc),
      triggerKind = 1,
    },
  }
  call(client, 'request', 'textDocument/codeAction', params, function(err, result)
    if err then
      return fail(err.message or 'codeAction failed')
    end
    for _, a in ipairs(result or {}) do
      local cmd = a.command
      -- A CodeAction carries a Command; a bare Command is one.
      if type(cmd) == 'string' then
        cmd = a
      end
      if type(cmd) == 'table' and cmd.command == command_name then
        return execute(client, cmd, bufnr, action, opts)
      end
    end
    fail(NOT_HERE[action])
  end, bufnr)
end

function M.generate(opts)
  M.run('generate', opts)
end

function M.fix(opts)
  M.run('fix', opts)
end

function M.explain(opts)
  M.run('explain', opts)
end

--- Asks a free question about the current buffer (`superhelfer.ask`); the answer opens in
--- the float.
function M.ask(question, opts)
  opts = opts or {}
  local bufnr = opts.bufnr or vim.api.nvim_get_current_buf()
  local client = M.clients(bufnr)[1]
  if not client then
    return notify('the language server is not attached to this buffer', vim.log.levels.WARN)
  end
  local enc = client.offset_encoding or 'utf-16'
  local range = opts.range or cursor_range(bufnr, enc, true)
  execute(client, {
    command = M.commands.ask,
    arguments = { { uri = vim.uri_from_bufnr(bufnr), range = range, question = question, diagnostics = {} } },
  }, bufnr, 'explain', opts)
end

--- Cancels running model work: through the progress (the server stops the backend
--- stream) and, where there is no progress, the request itself.
function M.cancel()
  local n = 0
  for key, p in pairs(state.progress) do
    local client = client_by_id(p.client_id)
    if client then
      call(client, 'notify', 'window/workDoneProgress/cancel', { token = p.token })
      n = n + 1
    end
    state.progress[key] = nil
  end
  if n == 0 then
    for id, p in pairs(state.pending) do
      local client = client_by_id(p.client_id)
      if client then
        call(client, 'cancel_request', id)
        n = n + 1
      end
      state.pending[id] = nil
    end
  end
  if n == 0 then
    notify('nothing to cancel')
  end
end

--- Runs `superhelfer.status` on the attached server; `cb(err, status)`. Without `cb` it
--- waits (up to `timeout_ms`) and returns status, err.
function M.status(cb, timeout_ms, bufnr)
  local client = M.clients(bufnr)[1] or M.all_clients()[1]
  if not client then
    local e = { message = 'not running' }
    if cb then
      return cb(e, nil)
    end
    return nil, e
  end
  local params = { command = M.commands.status, arguments = {} }
  if cb then
    call(client, 'request', 'workspace/executeCommand', params, function(err, result)
      cb(err, result)
    end, bufnr)
    return
  end
  -- The server also shows the status as a message; quiet while we ask for it.
  state.quiet = state.quiet + 1
  local done, res, e = false, nil, nil
  call(client, 'request', 'workspace/executeCommand', params, function(err, result)
    res, e, done = result, err, true
  end, bufnr)
  vim.wait(timeout_ms or 15000, function()
    return done
  end, 20)
  state.quiet = math.max(0, state.quiet - 1)
  if not done then
    return nil, { message = 'no answer within ' .. tostring(timeout_ms or 15000) .. ' ms' }
  end
  return res, e
end

------------------------------------------------------------------------------------------
-- Keys and starting the server.
------------------------------------------------------------------------------------------

--- Buffer-local maps for the three actions; called when the server attaches.
function M.on_attach(client, bufnr)
  local ghost = M.config.ghost
  if client and client.name == 'superhelfer' and type(ghost) == 'table' and ghost.enabled then
    require('superhelfer.ghost').attach(client, bufnr, ghost.accept)
  end
  local keys = M.config.keys
  if not keys or (client and client.name ~= 'superhelfer') then
    return
  end
  local function map(mode, lhs, rhs, desc)
    if lhs and lhs ~= false and lhs ~= '' then
      vim.keymap.set(mode, lhs, rhs, { buffer = bufnr, silent = true, desc = desc })
    end
  end
  map('n', keys.generate, function()
    M.generate()
  end, 'superhelfer: Generate shell command')
  map('n', keys.fix, function()
    M.fix()
  end, 'superhelfer: Fix error')
  map('n', keys.explain, function()
    M.explain()
  end, 'superhelfer: Explain line')
  -- `:<C-u>` leaves Visual mode first, so '< and '> hold the selection.
  map('x', keys.explain, ":<C-u>lua require('superhelfer').explain({ visual = true })<CR>", 'superhelfer: Explain selection')
end

local function nonempty(t)
  if type(t) == 'table' and next(t) == nil then
    return nil
  end
  return t
end

--- The client configuration (for `vim.lsp.config`, `vim.lsp.start`).
function M.lsp_config()
  return {
    name = 'superhelfer',
    cmd = M.config.cmd,
    filetypes = M.config.filetypes,
    init_options = nonempty(M.config.init_options),
    handlers = M.handlers(),
    capabilities = type(M.config.ghost) == 'table' and M.config.ghost.enabled and require('superhelfer.ghost').capabilities()
      or nil,
  }
end

local legacy_client_id -- 0.7: one client, attached to each buffer

--- Starts (or reuses) the server for a buffer, on versions before 0.11.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.fn.executable(M.config.cmd[1]) ~= 1 then
    vim.notify_once(
      'superhelfer: `' .. M.config.cmd[1] .. '` not found; install it (cargo install --path .) or set cmd',
      vim.log.levels.WARN
    )
    return
  end
  local cfg = M.lsp_config()
  if vim.lsp.start then
    return vim.lsp.start(cfg, { bufnr = bufnr })
  end
  if not (legacy_client_id and client_by_id(legacy_client_id)) then
    cfg.on_attach = M.on_attach
    legacy_client_id = vim.lsp.start_client(cfg)
  end
  if legacy_client_id then
    vim.lsp.buf_attach_client(bufnr, legacy_client_id)
  end
  return legacy_client_id
end

--- setup({ cmd, filetypes, keys, init_options, progress, float, autostart })
function M.setup(opts)
  M.config = merge(M.defaults, opts or {})
  M._did_setup = true
  if has('0.11') and vim.lsp.config and vim.lsp.enable then
    vim.lsp.config('superhelfer', M.lsp_config())
    if M.config.autostart then
      vim.lsp.enable('superhelfer')
    end
    return
  end
  if not M.config.autostart then
    return
  end
  local group = vim.api.nvim_create_augroup('superhelfer_start', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(ev)
      M.start(ev.buf)
    end,
  })
  -- Buffers already open (a lazy-loaded plugin comes after their FileType).
  local wanted = {}
  for _, ft in ipairs(M.config.filetypes) do
    wanted[ft] = true
  end
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(b) and wanted[vim.bo[b].filetype] then
      M.start(b)
    end
  end
end

return M
