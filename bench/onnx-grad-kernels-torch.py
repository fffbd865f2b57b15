# PyTorch CPU reference for bench/onnx-grad-kernels.mjs's conv section: one Conv2D 3x3 64->64 on
# 32x32, batch 64, forward and forward+backward (dx, dW, db), optionally followed by MaxPool 2x2.
#   OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/onnx-grad-kernels-torch.py [threads=1] [runs=10]
import sys, time, torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
torch.set_num_threads(threads)
B, C, H, K = 64, 64, 32, 3
x = torch.randn(B, C, H, H, requires_grad=True)
w = (torch.randn(C, C, K, K) * 0.1).requires_grad_()
b = torch.randn(C, requires_grad=True)

def step(pool, backward):
    y = torch.nn.functional.conv2d(x, w, b, padding=1)
    if pool:
        y = torch.nn.functional.max_pool2d(y, 2, 2)
    loss = (y * r[pool]).sum()
    if backward:
        gx, gw, gb = torch.autograd.grad(loss, [x, w, b])
        return gx.sum() + gw.sum() + gb.sum()
    return loss

r = {False: torch.randn(B, C, H, H), True: torch.randn(B, C, H // 2, H // 2)}
print(f"PyTorch {torch.__version__}, {threads} thread(s), {runs} runs")
for name, pool, backward in [("conv: forward", False, False), ("conv: forward+backward", False, True), ("conv + maxpool: forward", True, False), ("conv + maxpool: forward+backward", True, True)]:
    grad = torch.enable_grad() if backward else torch.no_grad()
    with grad:
        step(pool, backward)
        ms = []
        for _ in range(runs):
            t = time.perf_counter()
            step(pool, backward)
            ms.append((time.perf_counter() - t) * 1000)
    ms.sort()
    print(f"{name:44} median {ms[len(ms) // 2]:.2f} ms  min {ms[0]:.2f} ms")
