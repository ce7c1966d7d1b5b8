import ArgumentParser
import Testing

@testable import maas

@Suite("maas serve options")
struct ServeTests {
    @Test("workers × BLAS threads up to the cores are accepted", arguments: [
        (workers: Int?.none, blas: 1, cores: 2), (nil, 2, 2), (1, 2, 2), (2, 1, 2), (1, 1, 1), (3, 2, 8),
    ])
    func accepted(workers: Int?, blas: Int, cores: Int) throws {
        try Serve.checkComputeThreads(workers: workers, blasThreads: blas, cores: cores)
    }

    @Test("more compute threads than cores, or BLAS threads outside 1…cores, are refused naming the numbers", arguments: [
        (workers: Int?.some(4), blas: 1, cores: 2, says: "--workers 4 × --blas-threads 1 = 4 compute threads, more than this machine's 2 cores"),
        (2, 2, 2, "= 4 compute threads"),
        (nil, 3, 2, "--blas-threads must be between 1 and the 2 cores, not 3"),
        (nil, 0, 2, "--blas-threads must be between 1 and the 2 cores, not 0"),
    ])
    func refused(workers: Int?, blas: Int, cores: Int, says: String) {
        #expect {
            try Serve.checkComputeThreads(workers: workers, blasThreads: blas, cores: cores)
        } throws: { error in
            "\(error)".contains(says)
        }
    }

    @Test("parsing: --blas-threads defaults to 1 and --workers to unset (cores ÷ BLAS threads)")
    func defaults() throws {
        let serve = try Serve.parse([])
        #expect(serve.blasThreads == 1)
        #expect(serve.workers == nil)
        #expect(serve.batchPadding)
    }

    @Test("parsing: --no-batch-padding turns padding off, --batch-padding keeps it; a value or a misspelling is refused")
    func batchPadding() throws {
        #expect(try Serve.parse(["--no-batch-padding"]).batchPadding == false)
        #expect(try Serve.parse(["--batch-padding"]).batchPadding == true)
        for bad in [["--batch-padding=no"], ["--batch-padding", "false"], ["--no-batch-paddings"]] {
            #expect(throws: (any Error).self, "\(bad)") { try Serve.parse(bad) }
        }
    }

    @Test("parsing: --loop-compute-us defaults to the server's 500 µs; 0 turns it off; outside 0…100000 is refused by name")
    func loopCompute() throws {
        #expect(try Serve.parse([]).loopComputeMicroseconds == 500)
        #expect(try Serve.parse(["--loop-compute-us", "0"]).loopComputeMicroseconds == 0)
        for bad in ["-1", "100001", "1.5", "fast"] {
            #expect("\(bad)") { try Serve.parse(["--loop-compute-us", bad]) } throws: { error in
                Serve.message(for: error).contains("loop-compute-us")
            }
        }
    }
}
