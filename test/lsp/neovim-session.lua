-- A scripted Neovim session (headless) with nnspec lsp as the language server: open a spec,
-- wait for its diagnostics, type a mistake, wait for the new diagnostic, hover a layer, ask
-- for completion of a layer type. Writes what the editor received as JSON to $NNSPEC_OUT.
local bin, spec, out = os.getenv('NNSPEC_BIN'), os.getenv('NNSPEC_SPEC'), os.getenv('NNSPEC_OUT')
local result = { steps = {} }
local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

vim.cmd('edit ' .. spec)
local buf = vim.api.nvim_get_current_buf()
local client = vim.lsp.start_client({ name = 'nnspec', cmd = { 'node', bin, 'lsp', '--stdio' }, root_dir = vim.fn.getcwd() })
vim.lsp.buf_attach_client(buf, client)

local function wait(pred, ms) return vim.wait(ms or 15000, pred, 20) end
local function diags() return vim.diagnostic.get(buf) end

-- 1. The valid spec: the server answers, with no diagnostics.
local attached = wait(function() local c = vim.lsp.get_client_by_id(client); return c and c.initialized end)
result.initialized = attached
vim.wait(1500, function() return false end, 50)
result.steps[1] = { diagnostics = #diags() }

-- 2. Type a mistake: a misspelled input name.
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
for i, l in ipairs(lines) do
  if l:find('inputs: %[encoded_text') then
    lines[i] = l:gsub('encoded_text', 'encoded_txt', 1)
    result.typo_line = i - 1
  end
end
vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
wait(function() return #diags() > 0 end)
local d = diags()[1] or {}
result.steps[2] = { count = #diags(), code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col, message = d.message }

-- 3. Hover on the LSTM layer's name.
for i, l in ipairs(lines) do if l:find('^  encoded_text:') then result.hover_line = i - 1 end end
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = result.hover_line, character = 4 } }, 10000)
local h = hover and hover[client] and hover[client].result
result.steps[3] = { hover = h and h.contents and h.contents.value or vim.NIL }

-- 4. Completion of a layer type on a new line.
table.insert(lines, result.hover_line + 2, '  extra: {type: ')
vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
local items = vim.lsp.buf_request_sync(buf, 'textDocument/completion', { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = result.hover_line + 1, character = 16 } }, 10000)
local labels = {}
local r = items and items[client] and items[client].result
for _, item in ipairs((r and (r.items or r)) or {}) do table.insert(labels, item.label) end
result.steps[4] = { completion = labels }
finish()
