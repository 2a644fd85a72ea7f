"""Synthetic listing dumps for the export benchmark, in the three formats of ``seeds/``, at any size.

A dump of N papers is three files: an author-profile page (40 % of the papers), a compact listing
(40 %) and a Daily Papers feed (20 %). They copy the seeds' shapes exactly: the profile header with
h-index and "N Papers", blank-line separated records with ``authors · orgs`` lines; compact records
whose title runs straight into the first author (``...ModelsYuze Zhao, ...``) after an opening line
with optional score and "Code"; the feed's boilerplate, listing date and title/abstract pairs.

Papers are realistic in size and in what they make writers do: ~80-character titles with acronyms
and mixed case, three authors and "et al." (hyphenated, accented and particle names, corporate
teams), ~1,200-character abstracts with ``$math$``, ``%``, ``&``, ``_``, a few URLs and accents.
One feed paper in twenty repeats a profile paper's title, so merging has work to do.

Everything is a function of (seed, paper index), so a dump is the same on every machine, and papers
are written one at a time: a million papers never sit in memory.

    python benchmarks/generate.py 100k --out /tmp/bibx-bench
"""

from __future__ import annotations

import argparse
import random
import string
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

DEFAULT_SEED = 2026
SHARES = (("profile", 0.4), ("compact", 0.4), ("daily", 0.2))
FEED_REPEAT_RATE = 0.05  # feed papers that repeat a profile paper (same title): merge candidates

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CATEGORIES = ("LG", "LG", "LG", "CL", "CL", "CV", "CV", "IR", "AI", "DC", "CR", "AR", "RO", "SE")
GIVEN = (
    "Yuze Jintao Jinghan Hanyu Sha Shuai Wentao Ziqi Zeang Fangcheng Yu Hao Junyang Ang Le Ziji Chaojie "
    "Chen-Wei Chongyang Minghui Peng Chengyu An Jinze Rui Taolin Junwei Jianing Yinpeng Senyou Yunteng "
    "Zhi Maria Lukas Anna Thomas Sarah David Emma Ravi Priya Kenji Yuki Olga Ivan Jean-Pierre José "
    "Zoë Bjørn Łukasz Ana Mohamed Fatima Hyun-Woo"
).split()
FAMILY = (
    "Zhao Huang Hu Yuan Jiang Cheng Yang Lin Dong Chen Deng Zhang Yin Sheng Fu Xue Shi Wang Mao Xie "
    "Zhong Qiu Li Bai Men Luan Wu Liu Zhou Sun Ma Müller Schmidt García Rodríguez Kowalski Nakamura "
    "Tanaka Ivanova Patel Sharma Kim Park Nguyen Dubois Novák Ødegaard Smith Johnson Brown Rossi"
).split()
PARTICLE_FAMILY = ("van der Berg", "de la Cruz", "van Dijk", "von Neumann", "da Silva")
TEAMS = ("Tencent Hunyuan Team", "Team Wan", "Ling Team", "Qwen Team", "DeepMind Robotics Lab")
ORGS = ("bytedance", "pku", "tsinghua", "alibaba", "tencent-ai", "antgroup", "microsoft", "google", "zju", "mit")
TITLE_WORDS = (
    "Efficient Scalable Sparse Large Language Models Training Inference Graph Neural Networks Attention "
    "Retrieval Reinforcement Learning Distributed Parallel Mixture Experts Multimodal Vision Transformers "
    "Federated Privacy Preserving Benchmark Evaluation Alignment Reasoning Chain Thought Diffusion Video "
    "Generation Memory Communication Quantization Pruning Distillation Robust Adaptive Contrastive "
    "Pre-training Fine-Tuning Instruction Tuning Long Context Speculative Decoding Recommendation "
    "Web-scale Low-Rank Self-Supervised Zero-Shot Few-Shot Agents Tool Use Synthetic Data Scaling Laws"
).split()
TITLE_JOINERS = ("for", "with", "via", "in", "and", "of", "under", "towards", "at", "through")
ACRONYM_SUFFIXES = ("", "", "-2", "-V3", "++", "-Lite", "RL", "-10T")
SENTENCES = (
    "We propose {acr}, a {adj} framework for {topic} that reduces the cost of {topic2} by {pct}.",
    "Existing methods for {topic} either scale poorly or suffer from {problem}, which limits their use in practice.",
    "Our analysis shows that the error decays as $O(1/\\sqrt{{n}})$ when the batch size $B$ grows with $n$.",
    "On {bench} and {bench2}, {acr} outperforms the strongest baseline by {pct} while using $K$-hop neighbourhoods.",
    "We release the code_base, the eval_suite and all checkpoints so that R&D teams can reproduce every result.",
    "Training runs on {gpus} GPUs with a {adj} schedule and achieves up to $50\\times$ speedup at {pct} lower memory.",
    "The key idea is to decouple {topic} from {topic2}, so that each stage can be tuned on its own.",
    "Experiments across {num} tasks show gains of {pct} on average and up to {pct2} in the low-resource regime.",
    "A theoretical analysis proves that the regret is bounded by $\\alpha T + \\beta$ for any $T \\geq 1$.",
    "We further study the trade-off between accuracy & latency, and find a sweet spot at {pct} sparsity.",
    "Ablations confirm that the max_len setting and the top_k routing each contribute roughly {pct} of the gain.",
    "Compared with {acr2}, our method needs {pct} fewer parameters and attains AntM$^{{2}}$C-level quality.",
    "Despite recent progress in {topic}, the interplay with {topic2} remains poorly understood.",
    "To address this, we introduce a {adj} objective that balances {topic} and {topic2} automatically.",
    "Deployed in production at {org}, {acr} serves {num} million requests per day with {pct} lower latency.",
    "We evaluate on {bench}, where {acr} sets a new state of the art with a score of {score}.",
    "Surprisingly, a simple {adj} baseline already matches {acr2} on {bench} when tuned with care.",
    "Moreover, {acr} degrades gracefully under {problem}, losing less than {pct} accuracy.",
    "Finally, we discuss limitations, including the reliance on {topic} and the cost of {topic2}.",
    "The method scales to $10^{{9}}$ parameters and {num}K context tokens on commodity hardware.",
)
# Less common in real abstracts: non-ASCII text (pdfLaTeX needs it spelled) and links.
ACCENTED_SENTENCE = "This naïve baseline, long considered too weak, turns out to be competitive – a finding we explain in detail."
URL_SENTENCE = "Code is available at https://github.com/{org}/{repo}."
ACCENTED_RATE, URL_RATE = 0.1, 0.15
ADJECTIVES = ("lightweight", "unified", "scalable", "principled", "data-efficient", "hardware-aware", "modular")
TOPICS = (
    "sparse attention", "expert routing", "graph sampling", "federated training", "instruction tuning",
    "KV-cache compression", "retrieval augmentation", "reward modelling", "pipeline parallelism",
    "tensor parallel strategies", "long-context modelling", "multi-scenario CTR prediction",
)
PROBLEMS = ("over-smoothing", "load imbalance", "catastrophic forgetting", "reward hacking", "data leakage")
BENCHMARKS = ("ImageNet-2012", "GLUE", "MMLU", "ogbn-papers100M", "LongBench", "HumanEval", "SNLI", "YouCook2")


def paper_rng(seed: int, index: int) -> random.Random:
    """The generator for paper ``index``: any paper can be regenerated without the ones before it."""
    return random.Random(seed * 10_000_019 + index)


def acronym(rng: random.Random) -> str:
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(rng.randint(3, 6)))
    return letters + rng.choice(ACRONYM_SUFFIXES)


def title(rng: random.Random) -> str:
    """About 80 characters: often "ACRONYM: Phrase", words from a pool with joiners in between."""
    target = max(30, int(rng.gauss(80, 18)))
    words = [f"{acronym(rng)}:"] if rng.random() < 0.5 else []
    while len(" ".join(words)) < target:
        words.append(rng.choice(TITLE_WORDS))
        if rng.random() < 0.25:
            words.append(rng.choice(TITLE_JOINERS))
    if words[-1] in TITLE_JOINERS:
        words.pop()
    return " ".join(words)


def abstract(rng: random.Random) -> str:
    """About 1,200 characters of sentences; the fields give math, %, &, _, URLs and a few accents."""
    target = max(400, int(rng.gauss(1200, 220)))
    fields = _sentence_fields(rng)
    sentences: list[str] = []
    for template in rng.sample(SENTENCES, len(SENTENCES)):
        if sum(map(len, sentences)) >= target:
            break
        sentences.append(template.format_map(fields))
    if rng.random() < ACCENTED_RATE:
        sentences.insert(rng.randrange(len(sentences)), ACCENTED_SENTENCE)
    if rng.random() < URL_RATE:
        sentences.append(URL_SENTENCE.format_map(fields))
    return " ".join(sentences)


def _sentence_fields(rng: random.Random) -> dict[str, str]:
    return {
        "acr": acronym(rng),
        "acr2": acronym(rng),
        "adj": rng.choice(ADJECTIVES),
        "topic": rng.choice(TOPICS),
        "topic2": rng.choice(TOPICS),
        "problem": rng.choice(PROBLEMS),
        "bench": rng.choice(BENCHMARKS),
        "bench2": rng.choice(BENCHMARKS),
        "pct": f"{rng.uniform(0.5, 60):.1f}%",
        "pct2": f"{rng.uniform(0.5, 60):.1f}\\%",
        "gpus": str(rng.choice((8, 64, 256, 1024))),
        "num": str(rng.randint(3, 40)),
        "org": rng.choice(ORGS),
        "score": f"{rng.uniform(40, 95):.1f}",
        "repo": acronym(rng).lower().replace("+", "p"),
    }


def person(rng: random.Random) -> str:
    family = rng.choice(PARTICLE_FAMILY) if rng.random() < 0.02 else rng.choice(FAMILY)
    return f"{rng.choice(GIVEN)} {family}"


def author_names(rng: random.Random) -> tuple[list[str], bool]:
    """Three names and "et al." mostly; sometimes a corporate team first, sometimes a short complete list."""
    count = 3 if rng.random() < 0.85 else rng.randint(1, 2)
    names = [person(rng) for _ in range(count)]
    if rng.random() < 0.03:
        names[0] = rng.choice(TEAMS)
    return names, count == 3


def author_text(names: list[str], truncated: bool) -> str:
    return ", ".join(names) + (" et al." if truncated else "")


def date_text(rng: random.Random, with_year_rate: float) -> str:
    """``Mar 26, 2022`` or, as pages print dates of the current year, ``Mar 26``."""
    month, day = rng.randrange(12), rng.randint(1, 28)
    if rng.random() < with_year_rate:
        return f"{MONTHS[month]} {day}, {rng.randint(2019, 2025)}"
    return f"{MONTHS[month]} {day}"


def meta_line(rng: random.Random, score_rate: float) -> str:
    """The opening line: optional score, category, date, optional "Code" (``99.9CVApr 21``, ``LGMar 26, 2022Code``)."""
    score = f"{rng.uniform(50, 99.9):.1f}" if rng.random() < score_rate else ""
    code = "Code" if rng.random() < 0.3 else ""
    return f"{score}{rng.choice(CATEGORIES)}{date_text(rng, 0.85)}{code}"


def write_profile(out: TextIO, count: int, first: int, seed: int) -> None:
    header = paper_rng(seed, -1)
    out.write(f"{person(header)}\n\nLG\nh-index{header.randint(5, 60)}\n{count:,}papers\n")
    out.write(f"{header.randint(100, 90_000):,}citations\nNovelty{header.randint(30, 70)}%\nAI Score{header.randint(30, 70)}\n\n")
    out.write(f"{count:,} Papers\n")
    for index in range(first, first + count):
        rng = paper_rng(seed, index)
        paper_title = title(rng)  # drawn first: the feed regenerates it from the index alone
        meta = meta_line(rng, 0.0)
        names, truncated = author_names(rng)
        orgs = f" · {', '.join(rng.sample(ORGS, rng.randint(1, 3)))}" if rng.random() < 0.3 else ""
        out.write(f"\n{meta}\n{paper_title}\n\n{author_text(names, truncated)}{orgs}\n\n{abstract(rng)}\n")


def write_compact(out: TextIO, count: int, first: int, seed: int) -> None:
    for index in range(first, first + count):
        rng = paper_rng(seed, index)
        paper_title = title(rng)
        meta = meta_line(rng, 0.1)
        names, truncated = author_names(rng)
        # The listing glues the title to the first author with nothing in between.
        out.write(f"{meta}\n{paper_title}{author_text(names, truncated)}\n{abstract(rng)}\n")


def write_daily(out: TextIO, count: int, first: int, seed: int, repeats_of: range) -> None:
    listing = paper_rng(seed, -2)
    out.write("new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\nDaily Papers\n\n")
    out.write(f"byAK and the research community\n\n{date_text(listing, 0.0)}\n")
    for index in range(first, first + count):
        rng = paper_rng(seed, index)
        repeated = bool(repeats_of) and rng.random() < FEED_REPEAT_RATE
        # A repeated paper's title is regenerated from its own profile index: same title, new text.
        paper_title = title(paper_rng(seed, rng.choice(repeats_of))) if repeated else title(rng)
        out.write(f"\n{paper_title}\n\n{abstract(rng)}\n")


def format_counts(size: int) -> list[tuple[str, int, int]]:
    """(format, first paper index, paper count) per file; the counts add up to ``size``."""
    counts = [(name, int(size * share)) for name, share in SHARES]
    counts[0] = (counts[0][0], counts[0][1] + size - sum(count for _, count in counts))
    spans, first = [], 0
    for name, count in counts:
        spans.append((name, first, count))
        first += count
    return spans


def generate_dump(size: int, directory: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the dump of ``size`` papers into ``directory`` (skipped if complete already); its files."""
    directory.mkdir(parents=True, exist_ok=True)
    done = directory / ".complete"
    spans = format_counts(size)
    paths = [directory / f"{name}.txt" for name, _, _ in spans]
    if done.exists():
        return paths
    profile_range = range(spans[0][1], spans[0][1] + spans[0][2])
    writers: dict[str, Callable[[TextIO, int, int], None]] = {
        "profile": lambda out, count, first: write_profile(out, count, first, seed),
        "compact": lambda out, count, first: write_compact(out, count, first, seed),
        "daily": lambda out, count, first: write_daily(out, count, first, seed, profile_range),
    }
    for (name, first, count), path in zip(spans, paths, strict=True):
        with path.open("w", encoding="utf-8", newline="\n") as out:
            writers[name](out, count, first)
    done.write_text(f"{size} papers, seed {seed}\n")
    return paths


def parse_size(text: str) -> int:
    """``1k`` → 1000, ``1M`` → 1000000, ``2500`` → 2500."""
    multipliers = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}
    if text and text[-1] in multipliers:
        return int(float(text[:-1]) * multipliers[text[-1]])
    return int(text)


def size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def dump_directory(root: Path, size: int, seed: int) -> Path:
    return root / f"dump-{size_label(size)}-seed{seed}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write synthetic profile/compact/daily dumps for the export benchmark.")
    parser.add_argument("sizes", nargs="+", type=parse_size, help="papers per dump: 1k, 10k, 100k, 1M, ...")
    parser.add_argument("--out", type=Path, default=Path("/tmp/bibx-bench"), help="root directory (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    for size in args.sizes:
        for path in generate_dump(size, dump_directory(args.out, size, args.seed), args.seed):
            print(path)


if __name__ == "__main__":
    main()
