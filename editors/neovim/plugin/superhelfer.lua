-- superhelfer: the :Superhelfer command and the keys for a server started either way
-- (require('superhelfer').setup() or a plain vim.lsp.enable('superhelfer')).
if vim.g.loaded_superhelfer then
  return
end
vim.g.loaded_superhelfer = true

local subcommands = {
  generate = function()
    require('superhelfer').generate()
  end,
  fix = function()
    require('superhelfer').fix()
  end,
  explain = function(range)
    require('superhelfer').explain({ visual = range > 0 })
  end,
  cancel = function()
    require('superhelfer').cancel()
  end,
  status = function()
    require('superhelfer').status(function(err, status)
      if err then
        vim.notify('superhelfer: ' .. (err.message or 'status failed'), vim.log.levels.ERROR)
      end
    end)
  end,
}

vim.api.nvim_create_user_command('Superhelfer', function(args)
  local sub = args.fargs[1] or 'status'
  if sub == 'ask' then
    local question = table.concat(vim.list_slice(args.fargs, 2), ' ')
    return require('superhelfer').ask(question)
  end
  local f = subcommands[sub]
  if not f then
    return vim.notify('superhelfer: unknown subcommand ' .. sub, vim.log.levels.ERROR)
  end
  f(args.range)
end, {
  nargs = '*',
  range = true,
  desc = 'superhelfer: generate | fix | explain | ask <question> | cancel | status',
  complete = function()
    return { 'generate', 'fix', 'explain', 'ask', 'cancel', 'status' }
  end,
})

-- LspAttach exists from 0.8; on 0.7 setup() passes on_attach instead.
if vim.fn.has('nvim-0.8') == 1 then
  vim.api.nvim_create_autocmd('LspAttach', {
    group = vim.api.nvim_create_augroup('superhelfer_keys', { clear = true }),
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data and ev.data.client_id or -1)
      if client and client.name == 'superhelfer' then
        require('superhelfer').on_attach(client, ev.buf)
      end
    end,
  })
end
