#!/usr/bin/env python3
"""Writes the DEMO channel used by the example organisation (linux-64, linux-aarch64 + noarch repodata.json).

This is a demo channel, not a mirror: package names, versions, builds and dependencies are modelled on
conda-forge (spring 2024) so that the example solves like a real environment, but the checksums are derived
from the file names (sha256("beacon-demo/<subdir>/<fn>")) and no package file exists behind them. Real
repositories map `conda-forge` to https://conda.anaconda.org/conda-forge or their own mirror in beacon.yaml.

Run from the repository root: python3 channels/demo/make_demo_channel.py
"""
import hashlib, json, os

HERE = os.path.dirname(os.path.abspath(__file__))
T0 = 1709251200000  # 2024-03-01, milliseconds

def rec(subdir, name, version, build, number, depends=(), constrains=(), noarch=None, track=None, license="BSD-3-Clause", day=0):
    fn = f"{name}-{version}-{build}.conda"
    key = f"beacon-demo/{subdir}/{fn}".encode()
    r = {
        "build": build, "build_number": number, "depends": list(depends), "license": license,
        "md5": hashlib.md5(key).hexdigest(), "name": name,
        "sha256": hashlib.sha256(key).hexdigest(),
        "size": 20000 + int(hashlib.sha256(key).hexdigest()[:6], 16) % 5000000,
        "subdir": subdir, "timestamp": T0 + day * 86400000, "version": version,
    }
    if constrains: r["constrains"] = list(constrains)
    if noarch: r["noarch"] = noarch
    if track: r["track_features"] = track
    return fn, r

L, N = "linux-64", "noarch"
GCC = "libgcc-ng >=12"
CXX = "libstdcxx-ng >=12"
pkgs = {L: [], N: []}
def add(subdir, *a, **k): pkgs[subdir].append(rec(subdir, *a, **k))
def py(name, version, build_for, number, deps, **k):
    """A compiled Python package: one build per supported Python (3.11 and 3.12)."""
    for pyv, tag in (("3.11", "311"), ("3.12", "312")):
        nxt = f"3.{int(pyv.split('.')[1]) + 1}"
        add(L, name, version, f"py{tag}{build_for}_{number}", number,
            list(deps) + [f"python >={pyv},<{nxt}.0a0", f"python_abi {pyv}.* *_cp{tag}"], **k)
def pure(name, version, deps, number=0, license="MIT", pymin="3.8"):
    add(N, name, version, f"pyhd8ed1ab_{number}", number, [f"python >={pymin}"] + list(deps), noarch="python", license=license)

# --- system libraries -------------------------------------------------------------------------------
add(L, "_libgcc_mutex", "0.1", "conda_forge", 0)
add(L, "libgomp", "13.2.0", "h807b86a_5", 5, ["_libgcc_mutex 0.1 conda_forge"], license="GPL-3.0-only WITH GCC-exception-3.1")
add(L, "_openmp_mutex", "4.5", "2_gnu", 16, ["_libgcc_mutex 0.1 conda_forge", "libgomp >=7.5.0"])
add(L, "libgcc-ng", "13.2.0", "h807b86a_5", 5, ["_libgcc_mutex 0.1 conda_forge", "_openmp_mutex >=4.5"], license="GPL-3.0-only WITH GCC-exception-3.1")
add(L, "libstdcxx-ng", "13.2.0", "h7e041cc_5", 5, [], license="GPL-3.0-only WITH GCC-exception-3.1")
add(L, "libgfortran5", "13.2.0", "hca663fb_5", 5, ["libgcc-ng >=13.2.0"], license="GPL-3.0-only WITH GCC-exception-3.1")
add(L, "libgfortran-ng", "13.2.0", "h69a702a_5", 5, ["libgfortran5 13.2.0 hca663fb_5"], license="GPL-3.0-only WITH GCC-exception-3.1")
add(L, "ld_impl_linux-64", "2.40", "h41732ed_0", 0, [], license="GPL-3.0-only")
add(L, "libzlib", "1.2.13", "hd590300_5", 5, [GCC], constrains=["zlib 1.2.13 *_5"], license="Zlib")
add(L, "bzip2", "1.0.8", "hd590300_5", 5, [GCC], license="bzip2-1.0.6")
add(L, "xz", "5.2.6", "h166bdaf_0", 0, ["libgcc-ng >=12"], license="LGPL-2.1 and GPL-2.0")
add(L, "libffi", "3.4.2", "h7f98852_5", 5, ["libgcc-ng >=9.4.0"], license="MIT")
add(L, "libuuid", "2.38.1", "h0b41bf4_0", 0, [GCC])
add(L, "ncurses", "6.4", "h59595ed_2", 2, [GCC], license="X11 AND BSD-3-Clause")
add(L, "readline", "8.2", "h8228510_1", 1, [GCC, "ncurses >=6.3,<7.0a0"], license="GPL-3.0-only")
add(L, "libsqlite", "3.45.2", "h2797004_0", 0, [GCC, "libzlib >=1.2.13,<1.3.0a0"], license="Unlicense")
add(L, "tk", "8.6.13", "noxft_h4845f30_101", 101, [GCC, "libzlib >=1.2.13,<1.3.0a0"], license="TCL")
add(L, "ca-certificates", "2024.2.2", "hbcca054_0", 0, [], license="ISC")
add(L, "openssl", "3.2.1", "hd590300_1", 1, ["ca-certificates", GCC], constrains=["pyopenssl >=22.1"], license="Apache-2.0")
add(L, "openssl", "3.1.5", "hd590300_0", 0, ["ca-certificates", GCC], constrains=["pyopenssl >=22.1"], license="Apache-2.0", day=-40)
add(N, "tzdata", "2024a", "h0c530f3_0", 0, [], noarch="generic", license="LicenseRef-Public-Domain")
add(L, "zstd", "1.5.5", "hfc55251_0", 0, [GCC, CXX, "libzlib >=1.2.13,<1.3.0a0"])
add(L, "lz4-c", "1.9.4", "hcb278e6_0", 0, [GCC, CXX], license="BSD-2-Clause")
add(L, "libopenblas", "0.3.26", "pthreads_h413a1c8_0", 0, [GCC, "libgfortran-ng", "libgfortran5 >=12.3.0"], constrains=["openblas 0.3.26 *_0"])
for lib in ("libblas", "libcblas", "liblapack"):
    dep = ["libopenblas >=0.3.26,<1.0a0"] if lib == "libblas" else ["libblas 3.9.0 21_linux64_openblas"]
    add(L, lib, "3.9.0", "21_linux64_openblas", 21, dep)
add(L, "libsodium", "1.0.18", "h36c2ea0_1", 1, ["libgcc-ng >=7.5.0"], license="ISC")
add(L, "zeromq", "4.3.5", "h59595ed_1", 1, [GCC, CXX, "libsodium >=1.0.18,<1.0.19.0a0"], license="MPL-2.0")

# --- Python -----------------------------------------------------------------------------------------
PYDEPS = ["bzip2 >=1.0.8,<2.0a0", "ld_impl_linux-64 >=2.36.1", "libffi >=3.4,<4.0a0", GCC,
          "libsqlite >=3.45.2,<4.0a0", "libuuid >=2.38.1,<3.0a0", "libzlib >=1.2.13,<1.3.0a0",
          "ncurses >=6.4,<7.0a0", "openssl >=3.1.5,<4.0a0", "readline >=8.2,<9.0a0", "tk >=8.6.13,<8.7.0a0",
          "tzdata", "xz >=5.2.6,<6.0a0"]
for v, tag, d in (("3.11.8", "311", 0), ("3.12.2", "312", 5), ("3.11.7", "311", -60)):
    mm = v.rsplit(".", 1)[0]
    add(L, "python", v, "hab00c5b_0_cpython", 0, PYDEPS, constrains=[f"python_abi {mm}.* *_cp{tag}"], license="Python-2.0", day=d)
for mm, tag in (("3.11", "311"), ("3.12", "312")):
    add(L, "python_abi", mm, f"4_cp{tag}", 4, [], constrains=[f"python {mm}.* *_cpython"])

# --- scientific core --------------------------------------------------------------------------------
BLAS = ["libblas >=3.9.0,<4.0a0", "libcblas >=3.9.0,<4.0a0", "liblapack >=3.9.0,<4.0a0"]
py("numpy", "1.26.4", "h64a7726", 0, BLAS + [GCC, CXX], constrains=["numpy-base <0a0"])
py("numpy", "1.25.2", "h4eb6e4b", 0, BLAS + [GCC, CXX], constrains=["numpy-base <0a0"], day=-150)
py("pandas", "2.2.1", "h320fe9a", 0, [GCC, CXX, "numpy >=1.23.5,<2.0a0", "python-dateutil >=2.8.1", "python-tzdata >=2022a", "pytz >=2020.1"])
py("pandas", "2.1.4", "hfb8c8d5", 0, [GCC, CXX, "numpy >=1.23.5,<2.0a0", "python-dateutil >=2.8.1", "python-tzdata >=2022a", "pytz >=2020.1"], day=-80)
add(L, "libarrow", "15.0.2", "h176673d_3_cpu", 3, [GCC, CXX, "libzlib >=1.2.13,<1.3.0a0", "lz4-c >=1.9.3,<1.10.0a0", "zstd >=1.5.5,<1.6.0a0"], constrains=["pyarrow 15.0.2 *_3"], license="Apache-2.0")
py("pyarrow", "15.0.2", "h39c9aba", 3, ["libarrow 15.0.2 h176673d_3_cpu", GCC, CXX, "numpy >=1.23.5,<2.0a0"], license="Apache-2.0")
py("scipy", "1.12.0", "h64a7726", 2, BLAS + [GCC, CXX, "libgfortran-ng", "libgfortran5 >=12.3.0", "numpy >=1.22.4,<2.0a0"])
py("markupsafe", "2.1.5", "h459d7ec", 0, [GCC])
py("pyyaml", "6.0.1", "h459d7ec", 1, [GCC, "yaml >=0.2.5,<0.3.0a0"], license="MIT")
add(L, "yaml", "0.2.5", "h7f98852_2", 2, ["libgcc-ng >=9.4.0"], license="MIT")
py("psutil", "5.9.8", "hd590300", 0, [GCC])
py("tornado", "6.4", "hd590300", 0, [GCC], license="Apache-2.0")
py("pyzmq", "25.1.2", "h34a6a78", 0, [GCC, CXX, "libsodium >=1.0.18,<1.0.19.0a0", "zeromq >=4.3.5,<4.4.0a0"])
py("cffi", "1.16.0", "hb3a22ac", 0, ["libffi >=3.4,<4.0a0", GCC, "pycparser"], license="MIT")
py("cryptography", "42.0.5", "h4da38f2", 0, ["cffi >=1.12", GCC, "openssl >=3.1.5,<4.0a0"], license="Apache-2.0 AND BSD-3-Clause")
py("pydantic-core", "2.16.3", "h4e6f7bb", 0, [GCC, "typing-extensions >=4.6.0,!=4.7.0"], license="MIT")

# --- pure-Python packages ---------------------------------------------------------------------------
pure("six", "1.16.0", [], 1)
pure("python-dateutil", "2.9.0", ["six >=1.5"], 0, "Apache-2.0")
pure("python-tzdata", "2024.1", [], 0, "Apache-2.0")
pure("pytz", "2024.1", [], 0)
pure("certifi", "2024.2.2", [], 0, "ISC")
pure("idna", "3.6", [], 0, "BSD-3-Clause")
pure("charset-normalizer", "3.3.2", [], 0)
pure("urllib3", "2.2.1", ["brotli-python >=1.0.9"], 0)
pure("urllib3", "1.26.18", [], 0)
add(N, "brotli-python", "1.1.0", "pyhd8ed1ab_1", 1, ["python >=3.8"], noarch="python", license="MIT")
pure("requests", "2.31.0", ["certifi >=2017.4.17", "charset-normalizer >=2,<4", "idna >=2.5,<4", "urllib3 >=1.21.1,<3"], 0, "Apache-2.0", "3.7")
pure("packaging", "24.0", [], 0, "Apache-2.0")
pure("platformdirs", "4.2.0", [], 0)
pure("platformdirs", "3.11.0", [], 0)
pure("filelock", "3.13.1", [], 0, "Unlicense")
pure("typing-extensions", "4.10.0", [], 0, "PSF-2.0")
add(N, "typing_extensions", "4.10.0", "pyha770c72_0", 0, ["python >=3.8", "typing-extensions 4.10.0"], noarch="python", license="PSF-2.0")
pure("pycparser", "2.21", [], 0)
pure("asn1crypto", "1.5.1", [], 0)
pure("pyjwt", "2.8.0", [], 0)
pure("pyopenssl", "24.0.0", ["cryptography >=41.0.5,<43"], 0, "Apache-2.0", "3.7")
pure("sortedcontainers", "2.4.0", [], 0, "Apache-2.0")
pure("tomlkit", "0.12.4", [], 0)
pure("sniffio", "1.3.1", [], 0, "Apache-2.0")
pure("anyio", "4.3.0", ["idna >=2.8", "sniffio >=1.1", "typing_extensions >=4.1"], 0)
pure("starlette", "0.36.3", ["anyio >=3.4.0,<5", "typing_extensions >=3.10.0"], 0, "BSD-3-Clause")
pure("annotated-types", "0.6.0", ["typing-extensions >=4.0.0"], 0)
pure("pydantic", "2.6.4", ["annotated-types >=0.4.0", "pydantic-core 2.16.3", "typing-extensions >=4.6.1"], 0)
pure("fastapi", "0.110.0", ["pydantic >=1.7.4,!=1.8,!=1.8.1,!=2.0.0,!=2.0.1,!=2.1.0,<3.0.0", "starlette >=0.36.3,<0.37.0", "typing-extensions >=4.8.0"], 0)
pure("click", "8.1.7", [], 0, "BSD-3-Clause")
pure("h11", "0.14.0", [], 0)
pure("uvicorn", "0.29.0", ["click >=7.0", "h11 >=0.8"], 0, "BSD-3-Clause")
pure("traitlets", "5.14.2", [], 0, "BSD-3-Clause")
pure("decorator", "5.1.1", [], 0, "BSD-2-Clause")
pure("pygments", "2.17.2", [], 0, "BSD-2-Clause")
pure("wcwidth", "0.2.13", [], 0)
pure("prompt-toolkit", "3.0.42", ["wcwidth"], 0, "BSD-3-Clause")
pure("ipython", "8.22.2", ["decorator", "prompt-toolkit >=3.0.41,<3.1.0", "pygments >=2.4.0", "traitlets >=5.13.0"], 0, "BSD-3-Clause", "3.10")
pure("jupyter_core", "5.7.2", ["platformdirs >=2.5", "traitlets >=5.3"], 0, "BSD-3-Clause")
pure("jupyter_client", "8.6.1", ["jupyter_core >=4.12,!=5.0.*", "python-dateutil >=2.8.2", "pyzmq >=23.0", "tornado >=6.2", "traitlets >=5.3"], 0, "BSD-3-Clause")
pure("comm", "0.2.2", ["traitlets >=4"], 0, "BSD-3-Clause")
pure("ipykernel", "6.29.3", ["comm >=0.1.1", "ipython >=7.23.1", "jupyter_client >=6.1.12", "jupyter_core >=4.12,!=5.0.*", "packaging", "psutil", "pyzmq >=24", "tornado >=6.1", "traitlets >=5.4.0"], 0, "BSD-3-Clause")
pure("jupyter_server", "2.13.0", ["anyio >=3.1.0", "jinja2", "jupyter_client >=7.4.4", "jupyter_core >=4.12,!=5.0.*", "packaging", "pyzmq >=24", "tornado >=6.2.0", "traitlets >=5.6.0"], 0, "BSD-3-Clause")
pure("fsspec", "2024.3.1", [], 0, "BSD-3-Clause")
pure("mpmath", "1.3.0", [], 0, "BSD-3-Clause")
pure("sympy", "1.12", ["mpmath >=0.19"], 0, "BSD-3-Clause")
pure("networkx", "3.2.1", [], 0, "BSD-3-Clause", "3.9")
pure("jinja2", "3.1.3", ["markupsafe >=2.0"], 0, "BSD-3-Clause", "3.7")
pure("tqdm", "4.66.2", [], 0, "MPL-2.0 or MIT")
pure("lightning-utilities", "0.11.0", ["packaging >=17.1", "typing_extensions"], 0, "Apache-2.0")
pure("torchmetrics", "1.3.2", ["lightning-utilities >=0.8.0", "numpy >1.20.0", "packaging >17.1", "pytorch >=1.10.0"], 0, "Apache-2.0")
pure("lightning", "2.2.1", ["fsspec >=2022.5.0", "lightning-utilities >=0.8.0", "numpy >=1.17.2", "packaging >=20.0", "pytorch >=1.13.0", "pyyaml >=5.4", "torchmetrics >=0.7.0", "tqdm >=4.57.0", "typing-extensions >=4.4.0"], 0, "Apache-2.0")

# --- Snowflake --------------------------------------------------------------------------------------
py("snowflake-connector-python", "3.7.1", "hb755f60", 0, [
    "asn1crypto >0.24.0,<2.0.0", "certifi >=2017.4.17", "cffi >=1.9,<2.0.0", "charset-normalizer >=2,<4",
    "cryptography >=3.1.0,<43.0.0", "filelock >=3.5,<4", "idna >=2.5,<4", GCC, CXX, "packaging",
    "platformdirs >=2.6.0,<4.0.0", "pyjwt <3.0.0", "pyopenssl >=16.2.0,<25.0.0", "pytz", "requests <3.0.0",
    "sortedcontainers >=2.4.0", "tomlkit", "typing_extensions >=4.3,<5", "urllib3 >=1.21.1,<2.0.0"], license="Apache-2.0")
# 3.10 relaxed platformdirs (<5) and dropped the urllib3 <2 bound on Python >= 3.10, as the real release did.
py("snowflake-connector-python", "3.10.0", "hb2e8a5f", 0, [
    "asn1crypto >0.24.0,<2.0.0", "certifi >=2017.4.17", "cffi >=1.9,<2.0.0", "charset-normalizer >=2,<4",
    "cryptography >=3.1.0,<43.0.0", "filelock >=3.5,<4", "idna >=2.5,<4", GCC, CXX, "packaging",
    "platformdirs >=2.6.0,<5.0.0", "pyjwt <3.0.0", "pyopenssl >=16.2.0,<25.0.0", "pytz", "requests <3.0.0",
    "sortedcontainers >=2.4.0", "tomlkit", "typing_extensions >=4.3,<5"], license="Apache-2.0", day=60)

# --- CUDA and PyTorch -------------------------------------------------------------------------------
for v in ("11.8", "12.0", "12.1", "12.4"):
    add(N, "cuda-version", v, "h" + hashlib.sha1(v.encode()).hexdigest()[:7] + "_3", 3, [], constrains=[f"__cuda >={v}", f"cudatoolkit {v}|{v}.*"], noarch="generic", license="LicenseRef-NVIDIA-End-User-License-Agreement")
add(L, "cudnn", "8.9.7.29", "h092f7fd_3", 3, ["__glibc >=2.17,<3.0.a0", "cuda-version >=12.0,<13.0a0", GCC, CXX, "libzlib >=1.2.13,<1.3.0a0"], license="LicenseRef-cuDNN-Software-License-Agreement")
add(L, "nccl", "2.20.5.1", "h6103f9b_0", 0, ["cuda-version >=12.0,<13.0a0", GCC, CXX], license="BSD-3-Clause")
TORCH = ["filelock", "fsspec", "jinja2", "networkx", "numpy >=1.23.5,<2.0a0", "sympy", "typing_extensions", GCC, CXX]
for pyv, tag in (("3.11", "311"), ("3.12", "312")):
    nxt = f"3.{int(pyv.split('.')[1]) + 1}"
    pyd = [f"python >={pyv},<{nxt}.0a0", f"python_abi {pyv}.* *_cp{tag}"]
    add(L, "pytorch", "2.3.0", f"cuda120_py{tag}h6a6da74_301", 301,
        TORCH + pyd + ["__cuda", "cuda-version >=12.0,<13", "cudnn >=8.9.7.29,<9.0a0", "nccl >=2.20.5.1,<3.0a0"], license="BSD-3-Clause")
    add(L, "pytorch", "2.3.0", f"cpu_generic_py{tag}h2d5d1b5_1", 1, TORCH + pyd, license="BSD-3-Clause")
    add(L, "pytorch", "2.1.2", f"cpu_generic_py{tag}h7b8b4c2_4", 4, TORCH + pyd, license="BSD-3-Clause", day=-100)
    add(L, "triton", "2.3.0", f"cuda120py{tag}hf5e4f79_0", 0, pyd + ["__cuda", "cuda-version >=12.0,<13", "filelock", GCC, CXX, "pytorch 2.3.*"], license="MIT")

# --- R ----------------------------------------------------------------------------------------------
add(L, "r-base", "4.3.3", "hb8ee39d_0", 0, BLAS + [GCC, CXX, "libgfortran-ng", "libgfortran5 >=12.3.0", "libzlib >=1.2.13,<1.3.0a0", "ncurses >=6.4,<7.0a0", "readline >=8.2,<9.0a0", "tk >=8.6.13,<8.7.0a0", "tzdata", "xz >=5.2.6,<6.0a0"], license="GPL-2.0-or-later")
add(L, "r-base", "4.2.3", "h4a03800_2", 2, BLAS + [GCC, CXX, "libgfortran-ng", "libzlib >=1.2.13,<1.3.0a0", "readline >=8.2,<9.0a0"], license="GPL-2.0-or-later", day=-200)
for name, ver, build, deps, arch in (
    ("r-rlang", "1.1.3", "r43ha503ecb_0", [GCC, CXX], L),
    ("r-data.table", "1.15.2", "r43h029312a_0", [GCC, "libzlib >=1.2.13,<1.3.0a0"], L),
    ("r-scales", "1.3.0", "r43hc72bb7e_0", ["r-rlang >=1.0.0"], N),
    ("r-ggplot2", "3.5.0", "r43hc72bb7e_0", ["r-rlang >=1.1.0", "r-scales >=1.2.0"], N),
):
    add(arch, name, ver, build, 0, ["r-base >=4.3,<4.4.0a0"] + deps, noarch="generic" if arch == N else None, license="GPL-3.0-only")

# --- linux-aarch64: the same builds for Arm (an organisation's second root, e.g. Graviton nodes), without the CUDA
# stack (its builds here are x86-only); each record is re-keyed for its subdir, so its checksums differ.
A = "linux-aarch64"
CUDA_ONLY = {"cudnn", "nccl", "cuda-version", "cuda-cudart", "cuda-nvrtc", "libcublas", "libcufft", "libcurand", "libcusolver", "libcusparse"}
pkgs[A] = []
for fn, r in pkgs[L]:
    if r["name"] in CUDA_ONLY or any(d.split()[0] in CUDA_ONLY | {"__cuda"} for d in r["depends"]):
        continue
    pkgs[A].append(rec(A, r["name"], r["version"], r["build"], r["build_number"], r["depends"], r.get("constrains", ()),
                       r.get("noarch"), r.get("track_features"), r["license"], (r["timestamp"] - T0) // 86400000))

for subdir, records in pkgs.items():
    os.makedirs(os.path.join(HERE, subdir), exist_ok=True)
    doc = {"info": {"subdir": subdir}, "packages": {}, "packages.conda": dict(sorted(records)), "repodata_version": 1}
    with open(os.path.join(HERE, subdir, "repodata.json"), "w") as f:
        json.dump(doc, f, indent=1, sort_keys=True)
        f.write("\n")
    print(subdir, len(records), "records")
