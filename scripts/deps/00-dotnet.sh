# .NET: the SDK comes with the machine; restore the solution's NuGet packages.
dotnet restore Ktap.sln --nologo -v q >/dev/null
