using System.Runtime.ExceptionServices;

namespace Ktap.Compilation;

/// <summary>
/// Runs the compiler's recursive passes on a thread with a stack sized for the deepest tree
/// the parser accepts (Parser.MaxTreeDepth), whatever thread the caller is on (test runners
/// and MSBuild nodes use small ones).
/// </summary>
internal static class LargeStack
{
    private const int StackBytes = 64 * 1024 * 1024;

    public static T Run<T>(Func<T> work)
    {
        T result = default!;
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
        }, StackBytes);
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }
}
