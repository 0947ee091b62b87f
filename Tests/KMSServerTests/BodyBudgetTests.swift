import Testing

@testable import KMSServer

@Suite("The memory bound on bodies awaiting their signature check")
struct BodyBudgetTests {
    @Test func oneAccessKeyCannotTakeMoreThanItsShare() {
        let budget = BodyBudget(limit: 100, limitPerAccessKey: 30)
        #expect(budget.reserve(20, accessKeyID: "AKIANOISY"))
        #expect(budget.reserve(10, accessKeyID: "AKIANOISY"))
        #expect(!budget.reserve(1, accessKeyID: "AKIANOISY"))
        #expect(budget.reserve(30, accessKeyID: "AKIAQUIET"))
    }

    @Test func theTotalBoundsEveryoneTogether() {
        let budget = BodyBudget(limit: 50, limitPerAccessKey: 30)
        #expect(budget.reserve(30, accessKeyID: "AKIAONE"))
        #expect(budget.reserve(20, accessKeyID: "AKIATWO"))
        #expect(!budget.reserve(1, accessKeyID: "AKIATHREE"))
    }

    @Test func releasedBytesCanBeReservedAgain() {
        let budget = BodyBudget(limit: 50, limitPerAccessKey: 30)
        #expect(budget.reserve(30, accessKeyID: "AKIAONE"))
        budget.release(30, accessKeyID: "AKIAONE")
        #expect(budget.reserve(30, accessKeyID: "AKIAONE"))
        #expect(budget.reserve(20, accessKeyID: "AKIATWO"))
    }
}
