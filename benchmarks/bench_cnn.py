"""Train the digits CNN in NumPy (convcorr.nn) and in PyTorch on CPU; compare.

Same architecture (convcorr.nn.digits_cnn), same initial weights, same
batches, same SGD with momentum, float32. The two runs must agree after
training (parameters and predictions). For each thread count (1 and 2 by
default; NumPy's BLAS and PyTorch get the same number) the script prints the
fastest and the median time of one training step (forward, backward, update)
for each framework and the line

    numpy_vs_torch_train_step_ratio[threads=T]: X (fastest), Y (median)

(NumPy step / PyTorch step; below 1 means NumPy is faster). It ends with

    numpy_vs_torch_train_step_ratio: X

the largest fastest-step ratio over the thread counts. Without PyTorch
installed (``pip install -r benchmarks/requirements.txt``) it says so,
prints the NumPy times and exits with status 0.

The two frameworks take turns, a block of ``BLOCK`` steps each, so that both
see the same load on a shared machine; the ratio compares their fastest steps
(see report()). Not one step each: after a parallel step PyTorch's OpenMP
threads spin for a while waiting for more work, and OpenBLAS's threads do the
same, so with two threads each framework's next step ran on a core the other
was still spinning on (NumPy's median step took 2.2x PyTorch's, or PyTorch's
4x NumPy's with PyTorch's threads told to sleep at once). The first step of
each block, which may still meet the other's spinning threads, is not timed.

With ``--load K`` (several values: one run each) K processes spin on the
cores while both frameworks train, as when a user trains beside another
notebook or a build; the ratio lines then carry ``[load=K]`` and the last
line is the largest ratio over the thread counts at each load.

Usage: python benchmarks/bench_cnn.py [--epochs N] [--batch B] [--warmup W]
       [--threads T [T ...]] [--load K [K ...]]
"""

import argparse
import statistics
import time

import numpy as np
from load import busy_cores
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from threadpoolctl import threadpool_limits

from convcorr import nn

try:
    import torch
except ImportError:  # the benchmark still reports the NumPy side
    torch = None

DTYPE = np.float32
LR, MOMENTUM = 0.05, 0.9
BLOCK = 8


def load_data():
    """Digits as (N, 1, 8, 8) float32 in [0, 1], 75 % / 25 % split."""
    digits = load_digits()
    x = (digits.images / 16.0).astype(DTYPE)[:, None]
    return train_test_split(
        x, digits.target, test_size=0.25, random_state=0, stratify=digits.target
    )


def batches(n, batch, epochs, seed=0):
    """The index arrays of every step, shared by both frameworks."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(epochs):
        order = rng.permutation(n)
        out += [order[k : k + batch] for k in range(0, n - batch + 1, batch)]
    return out


def torch_model(np_model):
    """PyTorch twin of ``digits_cnn`` holding copies of its weights."""
    tnn = torch.nn
    c1 = np_model.layers[0].params["w"].shape[0]
    c2 = np_model.layers[3].params["w"].shape[0]
    model = tnn.Sequential(
        tnn.Conv2d(1, c1, 3, padding=1),
        tnn.ReLU(),
        tnn.MaxPool2d(2),
        tnn.Conv2d(c1, c2, 3, padding=1),
        tnn.ReLU(),
        tnn.MaxPool2d(2),
        tnn.Flatten(),
        tnn.Linear(4 * c2, 10),
    )
    with torch.no_grad():
        for k in (0, 3, 7):
            model[k].weight.copy_(torch.from_numpy(np_model.layers[k].params["w"]))
            model[k].bias.copy_(torch.from_numpy(np_model.layers[k].params["b"]))
    return model


def numpy_stepper(model, x, y):
    """Closure doing one timed NumPy training step; returns (seconds, loss)."""
    opt = nn.SGD(LR, MOMENTUM)

    def step(idx):
        xb, yb = x[idx], y[idx]
        t0 = time.perf_counter()
        loss = model.train_step(xb, yb, opt)
        return time.perf_counter() - t0, float(loss)

    return step


def torch_stepper(model, x, y):
    """Closure doing one timed PyTorch training step; returns (seconds, loss)."""
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)

    def step(idx):
        ib = torch.from_numpy(idx)
        xb, yb = xt[ib], yt[ib]
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return time.perf_counter() - t0, loss.item()

    return step


def train(steppers, steps, warmup):
    """Run the steppers in turn on blocks of ``BLOCK`` batches, every stepper on
    every batch in order; the first ``warmup`` steps and the first step of each
    block are not timed."""
    times = [[] for _ in steppers]
    losses = [[] for _ in steppers]
    for start in range(0, len(steps), BLOCK):
        block = list(enumerate(steps[start : start + BLOCK], start))
        for stepper, t_list, l_list in zip(steppers, times, losses, strict=True):
            for j, (k, idx) in enumerate(block):
                seconds, loss = stepper(idx)
                l_list.append(loss)
                if k >= warmup and j > 0:
                    t_list.append(seconds)
    return times, losses


def report(name, times):
    """Print and return the fastest step time in milliseconds.

    Every step does the same work, and other processes on a shared machine
    can only add time to it, so the minimum over many steps is the least
    disturbed estimate (the convention of Python's ``timeit``); the median
    is printed too, but it measures the machine's load as much as the code.
    """
    best, med = 1e3 * min(times), 1e3 * statistics.median(times)
    print(
        f"{name:>6}: {len(times)} steps, min {best:.3f} ms/step, "
        f"median {med:.3f} ms/step, total {sum(times):.2f} s"
    )
    return best, med


def compare(np_model, t_model, x_test):
    """Largest parameter difference relative to the parameter's size."""
    worst = 0.0
    for k in (0, 3, 7):
        for name, tp in (("w", t_model[k].weight), ("b", t_model[k].bias)):
            a = np_model.layers[k].params[name]
            worst = max(worst, nn.relative_error(a, tp.detach().numpy()))
    with torch.no_grad():
        t_pred = t_model(torch.from_numpy(x_test)).argmax(1).numpy()
    agree = float(np.mean(np_model.predict(x_test) == t_pred))
    return worst, agree


def run(threads, args, data):
    """Train fresh twins with ``threads`` threads on both sides; return the ratios."""
    x_tr, x_te, y_tr, y_te = data
    steps = batches(len(x_tr), args.batch, args.epochs)
    np_model = nn.digits_cnn(rng=np.random.default_rng(1), dtype=DTYPE)
    steppers = [numpy_stepper(np_model, x_tr, y_tr)]
    if torch is not None:
        torch.set_num_threads(threads)
        t_model = torch_model(np_model)
        steppers.append(torch_stepper(t_model, x_tr, y_tr))
    print(
        f"\n{threads} thread(s) on both sides: digits CNN "
        f"{tuple(np_model.layers[3].params['w'].shape)}, batch {args.batch}, "
        f"{len(steps)} steps ({args.warmup} untimed), float32"
    )
    with threadpool_limits(limits=threads, user_api="blas"):
        times, losses = train(steppers, steps, args.warmup)

    acc = np.mean(np_model.predict(x_te) == y_te)
    print(f"NumPy test accuracy after training: {100 * acc:.1f} %")
    np_best, np_med = report("numpy", times[0])
    if torch is None:
        return None
    t_best, t_med = report("torch", times[1])
    worst, agree = compare(np_model, t_model, x_te)
    loss_gap = max(abs(a - b) for a, b in zip(*losses, strict=True))
    print(
        f"after training: max relative parameter difference {worst:.1e}, "
        f"max loss difference {loss_gap:.1e}, predictions agree on "
        f"{100 * agree:.1f} % of the test set"
    )
    # float32 rounding differs between the two libraries and grows during
    # training, so the tolerance is loose; a wrong gradient would give O(1).
    assert worst < 1e-3 and loss_gap < 1e-3 and agree > 0.99, "NumPy != PyTorch"
    ratio = np_best / t_best
    print(
        f"numpy_vs_torch_train_step_ratio[threads={threads}]: {ratio:.2f} (fastest), "
        f"{np_med / t_med:.2f} (median, load-sensitive)"
    )
    return ratio


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=8, help="passes over the data")
    parser.add_argument("--batch", type=int, default=64, help="batch size")
    parser.add_argument("--warmup", type=int, default=10, help="untimed first steps")
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[1, 2],
        help="thread counts to run, each for NumPy's BLAS and PyTorch alike",
    )
    parser.add_argument(
        "--load",
        type=int,
        nargs="+",
        default=[0],
        help="processes spinning on the cores while training (several values: a run each)",
    )
    args = parser.parse_args()
    if any(k < 0 for k in args.load):
        parser.error(f"--load takes counts >= 0; received {args.load}")
    data = load_data()
    worst = {}
    for load in args.load:
        with busy_cores(load):
            print(f"\n--load {load}: {load} process(es) spinning on the cores")
            ratios = [run(t, args, data) for t in args.threads]
        if torch is not None:
            worst[load] = max(ratios)
    if torch is None:
        print(
            "PyTorch is not installed (pip install -r benchmarks/requirements.txt)"
            ": NumPy times only, no ratio"
        )
        return
    for load, ratio in worst.items():
        print(f"numpy_vs_torch_train_step_ratio[load={load}]: {ratio:.2f}")
    print(f"numpy_vs_torch_train_step_ratio: {max(worst.values()):.2f}")


if __name__ == "__main__":
    main()
