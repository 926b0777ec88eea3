-- Ghost text: the server's textDocument/inlineCompletion (the generated command on the
-- fresh line after a request comment). Neovim 0.12+ shows it with vim.lsp.inline_completion;
-- before that this module asks on typing in Insert mode and draws the answer as an extmark,
-- and the accept key inserts it. The server debounces, supersedes older requests and
-- decides what may be offered (never a dangerous command, never a dialog).

local M = {}

local ns = vim.api.nvim_create_namespace('superhelfer_ghost')
-- Per buffer: the request in flight, the item shown and its row.
local state = {}

--- Whether this Neovim has its own inline completion.
function M.native()
  return vim.lsp.inline_completion ~= nil and vim.lsp.inline_completion.enable ~= nil
end

--- The client capability to add where the plugin draws the ghost text itself (0.12+
--- advertises it on its own).
function M.capabilities()
  if M.native() then
    return nil
  end
  return { textDocument = { inlineCompletion = { dynamicRegistration = false } } }
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

local function cancel(client, id)
  if vim.fn.has('nvim-0.11') == 1 then
    pcall(client.cancel_request, client, id)
  else
    pcall(client.cancel_request, id)
  end
end

--- Hides the ghost text and cancels a request in flight (the backend's stream closes).
function M.clear(bufnr)
  local s = state[bufnr]
  if not s then
    return
  end
  if s.pending then
    cancel(s.pending.client, s.pending.id)
    s.pending = nil
  end
  s.item, s.asked = nil, nil
  if vim.api.nvim_buf_is_valid(bufnr) then
    vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  end
end

--- The item's lines (the server joins them with the document's line ending, CRLF too).
local function lines_of(item)
  return vim.split(item.insertText or '', '\r?\n')
end

local function show(bufnr, row, item)
  local lines = lines_of(item)
  local below = {}
  for i = 2, #lines do
    below[#below + 1] = { { lines[i], 'Comment' } }
  end
  vim.api.nvim_buf_set_extmark(bufnr, ns, row, 0, {
    virt_text = { { lines[1], 'Comment' } },
    virt_text_pos = 'overlay',
    virt_lines = #below > 0 and below or nil,
    hl_mode = 'combine',
  })
end

--- The cursor's row (0-based) when it stands on a fresh line (empty, or only the `#`
--- that 'formatoptions' r continues a comment with) below another line; nil otherwise.
local function fresh_row()
  local row = vim.api.nvim_win_get_cursor(0)[1] - 1
  local line = vim.api.nvim_get_current_line()
  if row == 0 or (line:match('^%s*$') == nil and line:match('^%s*#%s*$') == nil) then
    return nil
  end
  return row
end

--- Asks for ghost text at the cursor (kind 1: invoked, 2: automatic).
function M.ask(client, bufnr, kind)
  local s = state[bufnr] or {}
  state[bufnr] = s
  local row = fresh_row()
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local asked = s.asked
  if kind == 2 and row and asked and asked.row == row and asked.tick == tick then
    -- The autocommands of the keys typed before the accept key may run after it: the
    -- explicit request for this same text stands.
    return
  end
  M.clear(bufnr)
  if not row then
    return
  end
  if kind == 1 then
    s.asked = { row = row, tick = tick }
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding or 'utf-16')
  params.context = { triggerKind = kind }
  local ok, id
  ok, id = request(client, 'textDocument/inlineCompletion', params, function(err, result)
    if s.pending and s.pending.id == id then
      s.pending = nil
    end
    if err or type(result) ~= 'table' then
      return
    end
    local items = result.items or result
    local item = items[1]
    -- Shown only where it was asked for: same buffer, row and text.
    if
      not item
      or vim.api.nvim_get_current_buf() ~= bufnr
      or vim.api.nvim_win_get_cursor(0)[1] - 1 ~= row
      or vim.api.nvim_buf_get_changedtick(bufnr) ~= tick
    then
      return
    end
    s.item, s.row = item, row
    show(bufnr, row, item)
  end, bufnr)
  if ok and id then
    s.pending = { client = client, id = id }
  end
end

--- A message from the server after an explicit request, the text unchanged since (why
--- nothing is offered: it may come before or after the empty answer), is drawn on the
--- request's line as well: in Insert mode the message area shows `-- INSERT --` over
--- it. The next keystroke clears it. Returns whether it was drawn.
function M.note(text)
  local bufnr = vim.api.nvim_get_current_buf()
  local s = state[bufnr]
  local asked = s and s.asked
  if
    not asked
    or vim.api.nvim_get_mode().mode:sub(1, 1) ~= 'i'
    or vim.api.nvim_win_get_cursor(0)[1] - 1 ~= asked.row
    or vim.api.nvim_buf_get_changedtick(bufnr) ~= asked.tick
  then
    return false
  end
  local line = tostring(text):gsub('%s*\n%s*', ' ')
  vim.api.nvim_buf_set_extmark(bufnr, ns, asked.row, 0, {
    virt_text = { { line, 'WarningMsg' } },
    virt_text_pos = 'eol',
  })
  return true
end

--- Inserts the ghost text shown in `bufnr`; false when none is shown.
function M.accept(bufnr)
  local s = state[bufnr]
  if not (s and s.item) then
    return false
  end
  local lines = lines_of(s.item)
  local row = s.row
  M.clear(bufnr)
  -- The item replaces the fresh line (whitespace only) as a whole.
  vim.api.nvim_buf_set_lines(bufnr, row, row + 1, false, lines)
  vim.api.nvim_win_set_cursor(0, { row + #lines, #lines[#lines] })
  return true
end

--- Wires a buffer: native inline completion (0.12+) or the extmark fallback.
function M.attach(client, bufnr, accept_key)
  if not (client.server_capabilities or {}).inlineCompletionProvider then
    return
  end
  if M.native() then
    vim.lsp.inline_completion.enable(true, { bufnr = bufnr })
    if accept_key and accept_key ~= '' then
      vim.keymap.set('i', accept_key, function()
        if not vim.lsp.inline_completion.get() then
          return accept_key
        end
        return ''
      end, { buffer = bufnr, expr = true, replace_keycodes = true, desc = 'superhelfer: accept ghost text' })
    end
    return
  end
  local group = vim.api.nvim_create_augroup('superhelfer_ghost_' .. bufnr, { clear = true })
  local last = {}
  vim.api.nvim_create_autocmd({ 'InsertEnter', 'TextChangedI', 'CursorMovedI' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      local here = { vim.api.nvim_win_get_cursor(0)[1], vim.api.nvim_buf_get_changedtick(bufnr) }
      if here[1] == last[1] and here[2] == last[2] then
        return
      end
      last = here
      M.ask(client, bufnr, 2)
    end,
  })
  vim.api.nvim_create_autocmd({ 'InsertLeave', 'BufLeave' }, {
    group = group,
    buffer = bufnr,
    callback = function()
      last = {}
      M.clear(bufnr)
    end,
  })
  if accept_key and accept_key ~= '' then
    vim.keymap.set('i', accept_key, function()
      local s = state[bufnr]
      if s and s.item then
        -- Text cannot change inside an expression mapping: inserted right after it.
        vim.schedule(function()
          M.accept(bufnr)
        end)
        return ''
      end
      local row = fresh_row()
      local above = row and vim.api.nvim_buf_get_lines(bufnr, row - 1, row, false)[1] or ''
      if above:match('^%s*#') then
        -- Nothing shown below a comment: ask explicitly; the server says why it offers
        -- nothing (a dangerous command, a load that needs consent, an error).
        vim.schedule(function()
          M.ask(client, bufnr, 1)
        end)
        return ''
      end
      return accept_key
    end, { buffer = bufnr, expr = true, replace_keycodes = true, desc = 'superhelfer: accept ghost text' })
  end
end

return M
