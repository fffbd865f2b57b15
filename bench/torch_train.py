#!/usr/bin/python3
"""PyTorch's side of `npm run bench:train`: the benchmark models written by hand in PyTorch, trained
with the same optimizer, loss and batch size as their specs, on random data (or on the arrays of a
`nnspec synth` directory), timed per step.

    /usr/bin/python3 bench/torch_train.py [--models qa,posts,conv] [--threads 1,2] [--steps 12]
    /usr/bin/python3 bench/torch_train.py --worker MODEL --threads N [--steps S] [--per-step] [--data DIR --epochs E --save FILE]

The driver runs each (model, threads) in its own process, because OPENBLAS_NUM_THREADS is read
once, when the library loads: the child gets OPENBLAS_NUM_THREADS=n and OMP_NUM_THREADS=n in its
environment and calls torch.set_num_threads(n). Each step is timed in process CPU time (all threads)
and in wall time; the first step is warm-up and not counted. One JSON line per (model, threads):
min and median ms/step and samples/s (CPU time and wall time).

With --data, --epochs and --save the worker instead trains like `nnspec train` does: the synth
arrays, shuffled batches, E epochs, then torch.save of the weights; whoever spawns it times the whole
process (end-to-end wall time, start-up included).

The models are the specs as a PyTorch user would write them: channels-first convolutions, losses on
logits (cross-entropy and binary cross-entropy with logits, the same functions as softmax/sigmoid
followed by Keras's losses), dense embedding gradients (nn.Embedding's default).
Keras's defaults where PyTorch's differ: RMSprop rho 0.9 and epsilon 1e-7, Adam epsilon 1e-7, LSTM
and recurrent activations as Keras's (PyTorch's LSTM is the same cell, with a second bias vector:
192 more parameters in qa). Parameter counts otherwise equal the specs' (posts 14,146,316; conv 40,266).
"""
import json
import os
import subprocess
import sys
import time

MODELS = {
    # name: spec file, batch size, sequence length (None: fixed-shape input)
    'qa': {'spec': 'specs/question_answering.yaml', 'batch': 128, 'length': 100},
    'posts': {'spec': 'specs/social_posts.yaml', 'batch': 64, 'length': 500},
    'conv': {'spec': 'bench/specs/conv.yaml', 'batch': 64, 'length': None},
}


def arg(name, default=None):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def build(torch, name, length):
    """The model, its optimizer, a loss function over (outputs, targets) and a batch maker."""
    nn, F = torch.nn, torch.nn.functional

    if name == 'qa':
        class QA(nn.Module):
            def __init__(self):
                super().__init__()
                self.text_emb = nn.Embedding(10000, 64)
                self.text_lstm = nn.LSTM(64, 32, batch_first=True)
                self.question_emb = nn.Embedding(10000, 32)
                self.question_lstm = nn.LSTM(32, 16, batch_first=True)
                self.answer = nn.Linear(48, 500)

            def forward(self, text, question):
                _, (a, _) = self.text_lstm(self.text_emb(text))
                _, (b, _) = self.question_lstm(self.question_emb(question))
                return self.answer(torch.cat([a[-1], b[-1]], 1))

        model = QA()
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)

        def loss(out, y):
            return F.cross_entropy(out, y[0])

        def batch(b):
            return ([torch.randint(0, 10000, (b, length)), torch.randint(0, 10000, (b, length))],
                    [torch.randint(0, 500, (b,))])
        inputs, outputs = ['text', 'question'], ['answer']

    elif name == 'posts':
        class Posts(nn.Module):
            def __init__(self):
                super().__init__()
                self.emb = nn.Embedding(50000, 256)
                self.c1 = nn.Conv1d(256, 128, 5)
                self.c2 = nn.Conv1d(128, 256, 5)
                self.c3 = nn.Conv1d(256, 256, 5)
                self.c4 = nn.Conv1d(256, 256, 5)
                self.c5 = nn.Conv1d(256, 256, 5)
                self.features = nn.Linear(256, 128)
                self.age = nn.Linear(128, 1)
                self.income = nn.Linear(128, 10)
                self.gender = nn.Linear(128, 1)

            def forward(self, posts):
                h = self.emb(posts).transpose(1, 2)
                h = F.max_pool1d(F.relu(self.c1(h)), 5)
                h = F.relu(self.c3(F.relu(self.c2(h))))
                h = F.max_pool1d(h, 5)
                h = F.relu(self.c5(F.relu(self.c4(h))))
                f = F.relu(self.features(h.amax(2)))
                return self.age(f), self.income(f), self.gender(f)

        model = Posts()
        optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-3, alpha=0.9, eps=1e-7)

        def loss(out, y):
            age, income, gender = out
            return (0.25 * F.mse_loss(age, y[0]) + 1.0 * F.cross_entropy(income, y[1])
                    + 10.0 * F.binary_cross_entropy_with_logits(gender, y[2]))

        def batch(b):
            return ([torch.randint(0, 50000, (b, length))],
                    [torch.randn(b, 1), torch.randint(0, 10, (b,)), torch.randint(0, 2, (b, 1)).float()])
        inputs, outputs = ['posts'], ['age', 'income', 'gender']

    elif name == 'conv':
        class Conv(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv_1 = nn.Conv2d(3, 64, 3, padding=1)
                self.conv_2 = nn.Conv2d(64, 64, 3, padding=1)
                self.residual = nn.Conv2d(3, 64, 1, stride=2)
                self.classes = nn.Linear(128, 10)

            def forward(self, x):
                added = F.max_pool2d(F.relu(self.conv_2(F.relu(self.conv_1(x)))), 2) + self.residual(x)
                smoothed = F.avg_pool2d(added, 3, 1, 1, count_include_pad=False)
                return self.classes(torch.cat([added, smoothed], 1).mean((2, 3)))

        model = Conv()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

        def loss(out, y):
            return F.cross_entropy(out, y[0])

        def batch(b):
            return [torch.randn(b, 3, 32, 32)], [torch.randint(0, 10, (b,))]
        inputs, outputs = ['x'], ['classes']
    else:
        raise SystemExit(f'unknown model {name}; known: {", ".join(MODELS)}')
    return model, optimizer, loss, batch, inputs, outputs


def step(model, optimizer, loss, xs, ys):
    optimizer.zero_grad(set_to_none=True)
    out = model(*xs)
    value = loss(out, ys)
    value.backward()
    optimizer.step()
    return value


def synth_arrays(torch, np, name, data, inputs, outputs):
    """The arrays of a `nnspec synth` directory, as the PyTorch model takes them."""
    xs = [torch.from_numpy(np.load(os.path.join(data, f'{n}.npy'))) for n in inputs]
    if name == 'conv':
        xs = [x.permute(0, 3, 1, 2).contiguous() for x in xs]
    xs = [x.long() if not x.is_floating_point() else x.float() for x in xs]
    ys = []
    for n in outputs:
        y = torch.from_numpy(np.load(os.path.join(data, f'{n}.npy'))).float()
        # Categorical targets are one-hot in nnspec's data; PyTorch's cross-entropy takes indices.
        ys.append(y.argmax(1) if y.dim() == 2 and y.shape[1] > 1 else y.reshape(y.shape[0], -1))
    return xs, ys


def worker(name, threads, steps):
    import torch
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    spec = MODELS[name]
    model, optimizer, loss, batch, inputs, outputs = build(torch, name, spec['length'])
    b = spec['batch']

    data, save = arg('--data'), arg('--save')
    if data and save:
        import numpy as np
        xs, ys = synth_arrays(torch, np, name, data, inputs, outputs)
        n, epochs = xs[0].shape[0], int(arg('--epochs', '3'))
        for _ in range(epochs):
            order = torch.randperm(n)
            for i in range(0, n, b):
                idx = order[i:i + b]
                step(model, optimizer, loss, [x[idx] for x in xs], [y[idx] for y in ys])
        os.makedirs(os.path.dirname(os.path.abspath(save)), exist_ok=True)
        torch.save(model.state_dict(), save)
        print(json.dumps({'model': name, 'threads': threads, 'samples': n, 'epochs': epochs, 'saved': save}))
        return

    cpu, wall = [], []
    for i in range(steps + 1):
        xs, ys = batch(b)  # fresh random data each step, made outside the timed region
        c0, w0 = time.process_time(), time.perf_counter()
        step(model, optimizer, loss, xs, ys)
        c1, w1 = time.process_time(), time.perf_counter()
        if i > 0:
            cpu.append((c1 - c0) * 1000)
            wall.append((w1 - w0) * 1000)

    def stats(ms):
        s = sorted(ms)
        return s[0], s[len(s) // 2]
    cmin, cmed = stats(cpu)
    wmin, wmed = stats(wall)
    print(json.dumps({
        'contender': 'pytorch', 'torch': torch.__version__, 'model': name, 'spec': spec['spec'],
        'threads': threads, 'batch': b, 'length': spec['length'], 'steps': steps,
        'cpu_ms_min': round(cmin, 2), 'cpu_ms_median': round(cmed, 2),
        'wall_ms_min': round(wmin, 2), 'wall_ms_median': round(wmed, 2),
        'samples_per_s_cpu': round(b * 1000 / cmed, 1), 'samples_per_s_wall': round(b * 1000 / wmed, 1),
        **({'cpu': cpu, 'wall': wall} if '--per-step' in sys.argv else {}),
    }), flush=True)


def spawn(name, threads, steps, extra=()):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    cmd = [sys.executable, os.path.abspath(__file__), '--worker', name, '--threads', str(threads), '--steps', str(steps), *extra]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit(r.returncode)
    return r.stdout.strip().splitlines()[-1]


if __name__ == '__main__':
    if '--worker' in sys.argv:
        worker(arg('--worker'), int(arg('--threads', '1')), int(arg('--steps', '12')))
    else:
        models = arg('--models', ','.join(MODELS)).split(',')
        threads = [int(t) for t in arg('--threads', '1,2').split(',')]
        steps = int(arg('--steps', '12'))
        for t in threads:
            for m in models:
                print(spawn(m, t, steps), flush=True)
